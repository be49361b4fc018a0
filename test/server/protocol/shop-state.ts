// What the shop's systems own (§3): orders and the loyalty balance, written with the server key into
// the customer's profile (made when they have none yet) as records of the `server` replica, live on
// every signed-in device through the stream; a device's write to them is refused per record.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { type Harness, SHOP_SERVER_KEY, startServer, TEST_NOW } from '../helpers.ts';
import {
  api,
  hlc,
  identify,
  line,
  openStream,
  register,
  type SseReader,
  sync,
  type TestDevice,
  type WireRecord,
} from './client.ts';

const ADA = 'ada.lovelace@example.com';
const serverKey = { Authorization: `Bearer ${SHOP_SERVER_KEY}` };
const ORDER = {
  id: 'o-1001',
  status: 'placed',
  items: [{ name: 'Organic tee', quantity: 2, price: 19.95, productId: 'tee' }],
  total: 39.9,
  currency: 'EUR',
  channel: 'store',
};

describe("the shop's orders and loyalty balance (§3)", () => {
  let h: Harness;
  let phone: TestDevice;
  let laptop: TestDevice;
  const streams: SseReader[] = [];
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    phone = await register(h.url, 'anon-ada-phone');
    laptop = await register(h.url, 'anon-ada-laptop');
    await identify(h.url, phone, ADA);
    await identify(h.url, laptop, ADA);
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.cancel();
  });

  const write = (path: string, method: 'POST', body: unknown, userId = ADA, headers = serverKey) =>
    fetch(`${h.url}/v1/profiles/${encodeURIComponent(userId)}/${path}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const order = (body: unknown, userId = ADA) => write('orders', 'POST', body, userId);
  const loyalty = (body: unknown, userId = ADA) => write('loyalty', 'POST', body, userId);
  const live = (records: WireRecord[], doc: string) =>
    Object.fromEntries(records.filter((r) => r.doc === doc && !r.deleted).map((r) => [r.key, r.value]));

  it('puts an order on every signed-in device, live, and a later status replaces it', async () => {
    const stream = await openStream(h.url, laptop);
    streams.push(stream);
    const placed = await order(ORDER);
    assert.equal(placed.status, 200, await placed.clone().text());
    const stored = { ...ORDER, updatedAt: new Date(TEST_NOW).toISOString() };
    assert.deepEqual(await placed.json(), stored);
    // The laptop hears of it without asking, with the record itself.
    const changed = await stream.changed(1000);
    assert.deepEqual(live(changed.records as WireRecord[], 'orders'), { 'o-1001': stored });
    for (const device of [phone, laptop]) {
      const pulled = await sync(h.url, device);
      assert.deepEqual(live(pulled.records, 'orders'), { 'o-1001': stored });
      assert.ok(pulled.records.every((r) => r.doc !== 'orders' || r.hlc.endsWith('-server')));
    }

    h.clock.now = TEST_NOW + 60_000;
    assert.equal((await order({ ...ORDER, status: 'ready_for_pickup' })).status, 200);
    const pulled = await sync(h.url, phone);
    assert.equal((live(pulled.records, 'orders')['o-1001'] as { status: string }).status, 'ready_for_pickup');
  });

  it('keeps what the shop writes for a customer who never signed in, for their first device', async () => {
    assert.equal((await order(ORDER, 'grace@example.com')).status, 200);
    assert.equal((await loyalty({ points: 40 }, 'grace@example.com')).status, 200);
    const tablet = await register(h.url, 'anon-grace-tablet');
    await identify(h.url, tablet, 'grace@example.com');
    const pulled = await sync(h.url, tablet);
    assert.deepEqual(Object.keys(live(pulled.records, 'orders')), ['o-1001']);
    assert.deepEqual(live(pulled.records, 'loyalty'), {
      balance: { points: 40, updatedAt: new Date(TEST_NOW).toISOString() },
    });
  });

  it('replaces the loyalty balance, live on the devices', async () => {
    assert.equal((await loyalty({ points: 120, tier: 'gold', expiresAt: '2027-12-31' })).status, 200);
    h.clock.now = TEST_NOW + 1;
    assert.equal((await loyalty({ points: 95, tier: 'gold' })).status, 200);
    const pulled = await sync(h.url, laptop);
    assert.deepEqual(live(pulled.records, 'loyalty'), {
      balance: { points: 95, tier: 'gold', updatedAt: new Date(TEST_NOW + 1).toISOString() },
    });
  });

  it('refuses a device’s write to orders or loyalty, per record, and merges the rest of its push', async () => {
    const forged: WireRecord[] = [
      { doc: 'orders', key: 'o-1', value: { ...ORDER, status: 'paid' }, hlc: hlc(TEST_NOW, 0, 'phone') },
      { doc: 'loyalty', key: 'balance', value: { points: 1e6 }, hlc: hlc(TEST_NOW, 1, 'phone') },
      line('tee', 1, TEST_NOW, 'phone'),
    ];
    const answer = await sync(h.url, phone, forged);
    assert.deepEqual(
      answer.rejected.map((r) => [r.hlc, r.code]),
      [
        [forged[0].hlc, 'invalid_record'],
        [forged[1].hlc, 'invalid_record'],
      ],
    );
    assert.match(answer.rejected[0].message, /written by the shop's servers only/);
    const pulled = await sync(h.url, laptop);
    assert.deepEqual(live(pulled.records, 'orders'), {});
    assert.deepEqual(live(pulled.records, 'loyalty'), {});
    assert.deepEqual(Object.keys(live(pulled.records, 'cart')), ['tee']);
  });

  it('refuses a write without the server key, or a bad order or balance, naming the field', async () => {
    assert.equal((await write('orders', 'POST', ORDER, ADA, {} as typeof serverKey)).status, 401);
    const refused = async (response: Response, code: string, field: RegExp) => {
      assert.equal(response.status, 400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, code);
      assert.match(error.message, field);
    };
    await refused(await order({ ...ORDER, status: 'lost' }), 'invalid_order', /"status"/);
    await refused(await order({ ...ORDER, id: '' }), 'invalid_order', /"id"/);
    await refused(
      await order({ ...ORDER, items: [{ name: 'Tee', quantity: 0 }] }),
      'invalid_order',
      /items\[0\]\.quantity/,
    );
    await refused(
      await order({ ...ORDER, items: [{ name: 'T\u0000ee', quantity: 1 }] }),
      'invalid_order',
      /items\[0\]\.name/,
    );
    await refused(await order({ ...ORDER, total: -1 }), 'invalid_order', /"total"/);
    await refused(
      await order({ ...ORDER, items: Array(101).fill({ name: 'Tee', quantity: 1 }) }),
      'invalid_order',
      /"items"/,
    );
    await refused(await loyalty({ points: -1 }), 'invalid_loyalty', /"points"/);
    await refused(await loyalty({ points: 1.5 }), 'invalid_loyalty', /"points"/);
    await refused(await loyalty({ points: 1, tier: '\ud800' }), 'invalid_loyalty', /"tier"/);
    const large = await order({ ...ORDER, channel: 'x'.repeat(20_000) });
    assert.equal(large.status, 413);
    assert.deepEqual(live((await sync(h.url, phone)).records, 'orders'), {});
  });

  it('writes nothing more for a customer erased with suppression', async () => {
    assert.equal((await order(ORDER)).status, 200);
    const erased = await api(h.url, 'DELETE', `/v1/profiles/${encodeURIComponent(ADA)}?suppress=true`, {
      headers: serverKey,
    });
    assert.equal(erased.status, 200, await erased.clone().text());
    const after = await order({ ...ORDER, status: 'paid' });
    assert.equal(after.status, 410);
    assert.equal(((await after.json()) as { error: { code: string } }).error.code, 'user_suppressed');
  });
});
