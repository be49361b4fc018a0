// "My cart in store" (§4): a device makes a short-lived code; staff read the customer's cart with it
// and complete the sale, which empties the cart on every device, live, and adds the order.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { STORE_CODE_ALPHABET, STORE_CODE_TTL_MS } from '../../../src/protocol/index.ts';
import { type Harness, SHOP_AGENT_KEY, SHOP_SERVER_KEY, startServer, TEST_NOW } from '../helpers.ts';
import {
  api,
  hlc,
  identify,
  openStream,
  register,
  type SseReader,
  sync,
  type TestDevice,
  type WireRecord,
} from './client.ts';
import { AGENT, ASSOCIATE, login, send, sitesWithStaff } from './console-client.ts';

const ADA = 'ada.lovelace@example.com';
// The shop's own systems (a till's back end) use the server key; people, an associate's session.
const staff = { Authorization: `Bearer ${SHOP_SERVER_KEY}` };
const TEE = { productId: 'tee', name: 'Organic tee', price: 19.99, currency: 'EUR' };
const MUG = { productId: 'mug', name: 'Mug', price: 8.5, currency: 'EUR' };

describe('in-store codes: my cart in store (§4)', () => {
  let h: Harness;
  let phone: TestDevice;
  let laptop: TestDevice;
  const streams: SseReader[] = [];
  before(async () => {
    h = await startServer({ sites: await sitesWithStaff() });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    phone = await register(h.url, 'anon-ada-phone');
    laptop = await register(h.url, 'anon-ada-laptop');
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.cancel();
  });

  const makeCode = async (device: TestDevice) => {
    const res = await api(h.url, 'POST', '/v1/store-codes', { token: device.token });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { code: string; expiresAt: string };
  };
  const lookup = (code: unknown, headers: Record<string, string> = staff) =>
    api(h.url, 'POST', '/v1/store/lookup', { body: { code }, headers });
  const sell = (code: unknown, orderId: unknown = 'pos-7731', headers: Record<string, string> = staff) =>
    api(h.url, 'POST', '/v1/store/sales', { body: { code, orderId }, headers });
  const fill = (device: TestDevice) =>
    sync(h.url, device, [
      { doc: 'cart', key: 'tee', value: { ...TEE, qty: 3 }, hlc: hlc(TEST_NOW, 0, 'phone') },
      { doc: 'cart', key: 'mug', value: { ...MUG, qty: 1 }, hlc: hlc(TEST_NOW, 1, 'phone') },
    ]);
  const live = (records: WireRecord[], doc: string) =>
    Object.fromEntries(records.filter((r) => r.doc === doc && !r.deleted).map((r) => [r.key, r.value]));

  it('shows staff the cart, what was viewed and the drafts of a guest, read-only', async () => {
    await fill(phone);
    await sync(h.url, phone, [
      {
        doc: 'recent',
        key: 'lamp',
        value: { name: 'Lamp', at: TEST_NOW - 5000 },
        hlc: hlc(TEST_NOW, 2, 'phone'),
      },
      {
        doc: 'recent',
        key: 'tee',
        value: { name: 'Organic tee', at: TEST_NOW },
        hlc: hlc(TEST_NOW, 3, 'phone'),
      },
      {
        doc: 'form:address',
        key: 'city',
        value: ['Taipei', TEST_NOW, 'anon'],
        hlc: hlc(TEST_NOW, 4, 'phone'),
      },
      {
        doc: 'form:address',
        key: 'cardNumber',
        value: ['4111', TEST_NOW, 'anon'],
        hlc: hlc(TEST_NOW, 5, 'phone'),
      },
    ]);
    const { code, expiresAt } = await makeCode(phone);
    assert.match(code, new RegExp(`^[${STORE_CODE_ALPHABET}]{6}$`));
    assert.equal(expiresAt, new Date(TEST_NOW + STORE_CODE_TTL_MS).toISOString());

    const res = await lookup(code);
    assert.equal(res.status, 200, await res.clone().text());
    const view = await res.json();
    assert.equal(view.profileId, phone.profileId);
    assert.equal(view.userId, null);
    assert.deepEqual(view.cart, [
      { ...MUG, qty: 1 },
      { ...TEE, qty: 3 },
    ]);
    assert.deepEqual(
      view.recent.map((item: { product_id: string }) => item.product_id),
      ['tee', 'lamp'],
    );
    // A field that looks like a secret never reaches staff.
    assert.deepEqual(view.forms, { 'form:address': { city: 'Taipei' } });
    // Read-only: the cart is as it was.
    assert.deepEqual(Object.keys(live((await sync(h.url, phone)).records, 'cart')).sort(), ['mug', 'tee']);
  });

  it('reads the code as typed (any case, spaces, a dash) or as the QR code says it', async () => {
    const { code } = await makeCode(phone);
    const typed = `${code.slice(0, 3).toLowerCase()} - ${code.slice(3)}`;
    for (const given of [typed, `omnikit-store:${code}`]) {
      const res = await lookup(given);
      assert.equal(res.status, 200, `${given}: ${await res.text()}`);
    }
  });

  it('refuses anyone but the shop: no key, a device token, the write key, an agent key', async () => {
    const { code } = await makeCode(phone);
    const strangers: Record<string, string>[] = [
      {},
      { Authorization: `Bearer ${phone.token}` },
      { Authorization: 'Bearer shop-key' },
      { Authorization: `Bearer ${SHOP_AGENT_KEY}` },
    ];
    for (const headers of strangers) {
      const res = await lookup(code, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal((await sell(code, 'x', headers)).status, 401);
    }
  });

  it("works for an associate's console session, not an agent's, and only with its CSRF token", async () => {
    await fill(phone);
    const { code } = await makeCode(phone);
    const associate = await login(h.url, ASSOCIATE);
    const asAssociate = (path: string, body: unknown, csrfToken = associate.csrfToken) =>
      send(h.url, 'POST', path, { cookie: associate.cookie, csrfToken, body });
    const view = await asAssociate('/v1/store/lookup', { code });
    assert.equal(view.status, 200, await view.clone().text());
    assert.equal((await view.json()).cart.length, 2);
    const forged = await asAssociate('/v1/store/sales', { code, orderId: 'till-1' }, 'not-the-token');
    assert.equal(forged.status, 403);
    assert.equal((await forged.json()).error.code, 'invalid_csrf_token');
    const agent = await login(h.url, AGENT);
    const refused = await send(h.url, 'POST', '/v1/store/lookup', { ...agent, body: { code } });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.code, 'forbidden_role');
    const sold = await asAssociate('/v1/store/sales', { code, orderId: 'till-1' });
    assert.equal(sold.status, 201, await sold.clone().text());
    // The code remembers who sold with it; only a hash of the code itself is kept.
    const rows = await h.database.rows('handoffs');
    assert.deepEqual(
      rows.map((row) => [row.kind, row.claimed_by]),
      [['store', `staff:${ASSOCIATE.name}`]],
    );
    assert.ok(!JSON.stringify(rows).includes(code));
  });

  it('answers a wrong, unknown or expired code clearly, and never lets a device claim one', async () => {
    const { code } = await makeCode(phone);
    for (const wrong of [
      '',
      'ABC',
      'ABCDE0',
      42,
      null,
      { code },
      'x'.repeat(100),
      'AB\u0000CDE',
      '\ud800BCDEF',
    ]) {
      const res = await lookup(wrong);
      assert.equal(res.status, 400, JSON.stringify(wrong));
      assert.equal((await res.json()).error.code, 'invalid_store_code');
    }
    const unknown = code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    assert.equal((await (await lookup(unknown)).json()).error.code, 'store_code_not_found');
    // A code is no handoff: another device cannot move itself onto the customer's profile with it.
    const claim = await api(h.url, 'POST', '/v1/handoff/claim', {
      token: laptop.token,
      body: { token: code },
    });
    assert.equal(claim.status, 404);
    h.clock.now = TEST_NOW + STORE_CODE_TTL_MS;
    const expired = await lookup(code);
    assert.equal(expired.status, 410);
    assert.equal((await expired.json()).error.code, 'store_code_expired');
  });

  it('completes the sale: the cart empties on both devices live, the order joins their history', async () => {
    await identify(h.url, phone, ADA);
    await identify(h.url, laptop, ADA);
    await fill(phone);
    const stream = await openStream(h.url, laptop);
    streams.push(stream);
    const { code } = await makeCode(phone);

    const res = await sell(code);
    assert.equal(res.status, 201, await res.clone().text());
    const { order, messageId } = await res.json();
    const at = new Date(TEST_NOW).toISOString();
    assert.deepEqual(order, {
      id: 'pos-7731',
      status: 'completed',
      items: [
        { name: 'Mug', quantity: 1, productId: 'mug', price: 8.5 },
        { name: 'Organic tee', quantity: 3, productId: 'tee', price: 19.99 },
      ],
      total: 68.47,
      currency: 'EUR',
      channel: 'store',
      placedAt: at,
      updatedAt: at,
    });
    // The laptop hears of it without asking.
    const changed = await stream.changed(1000);
    assert.deepEqual(live(changed.records as WireRecord[], 'orders'), { 'pos-7731': order });
    for (const device of [phone, laptop]) {
      const pulled = await sync(h.url, device);
      assert.deepEqual(live(pulled.records, 'cart'), {});
      assert.deepEqual(live(pulled.records, 'orders'), { 'pos-7731': order });
    }
    // Recorded as the shop's servers would send it: verified, from the store.
    const [event] = await h.store.listEvents('shop', { messageId });
    assert.equal(event.event, 'Order Completed');
    assert.equal(event.credential, 'server');
    assert.equal(event.userId, ADA);
    assert.equal((event.body.context as { channel: string }).channel, 'store');
    assert.equal((event.body.properties as { total: number }).total, 68.47);

    // Used once: neither a second sale nor a lookup works with it.
    for (const again of [await sell(code, 'pos-7732'), await lookup(code)]) {
      assert.equal(again.status, 410);
      assert.equal((await again.json()).error.code, 'store_code_used');
    }
    const tracked = await h.store.listEvents('shop', { type: 'track' });
    assert.equal(tracked.filter((e) => e.event === 'Order Completed').length, 1);
  });

  it('sells nothing from an empty cart, and keeps the code for when there is one', async () => {
    const { code } = await makeCode(phone);
    const empty = await sell(code);
    assert.equal(empty.status, 409);
    assert.equal((await empty.json()).error.code, 'store_cart_empty');
    await sync(h.url, phone, [
      { doc: 'cart', key: 'tee', value: { ...TEE, qty: 1 }, hlc: hlc(TEST_NOW, 0, 'phone') },
    ]);
    assert.equal((await sell(code)).status, 201);
  });

  it('never overwrites an order the customer has: a receipt number used before is a 409', async () => {
    await identify(h.url, phone, ADA);
    await fill(phone);
    const placed = await api(h.url, 'POST', `/v1/profiles/${encodeURIComponent(ADA)}/orders`, {
      headers: staff,
      body: { id: 'pos-7731', status: 'shipped' },
    });
    assert.equal(placed.status, 200);
    const { code } = await makeCode(phone);
    const again = await sell(code, 'pos-7731');
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'order_exists');
    const orders = live((await sync(h.url, phone)).records, 'orders') as Record<string, { status: string }>;
    assert.equal(orders['pos-7731'].status, 'shipped');
    assert.equal((await sell(code, 'pos-7732')).status, 201, 'the code was not used');
  });

  it('refuses a sale without a usable order id, and uses nothing', async () => {
    await fill(phone);
    const { code } = await makeCode(phone);
    for (const orderId of [null, '', 7, 'a\u0000b', 'x'.repeat(1000)]) {
      const res = await sell(code, orderId);
      assert.equal(res.status, 400, JSON.stringify(orderId));
      assert.equal((await res.json()).error.code, 'invalid_order');
    }
    assert.equal((await lookup(code)).status, 200);
  });

  it('keeps guessing slow: lookups per address are limited', async () => {
    let status = 0;
    for (let i = 0; i < 61 && status !== 429; i++) status = (await lookup('ZZZZZZ')).status;
    assert.equal(status, 429);
  });
});
