// Right to erasure and right of access (§8): after DELETE /v1/profiles/{userId} no column of any
// table, of either engine, holds the customer's userId or any of their anonymous ids (the tables are
// read from the database's own catalog, so a table added later is searched too); their devices learn
// they were forgotten; the agents never see them again; a device token erases an anonymous visitor,
// never a verified account; GET …/export hands back everything held about them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { validateSites } from '../../../server/config.ts';
import { createServer } from '../../../server/index.ts';
import {
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SHOP_SERVER_KEY,
  SITES,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { refusingInserts, type TestDatabase } from '../test-database.ts';
import { agentApi, conversations, customerMessage, reply } from './agent-client.ts';
import { api, hlc, identify, line, openStream, register, sync, type TestDevice } from './client.ts';

const ADA = 'ada.lovelace@example.com';
const BOB = 'bob.builder@example.com';

/** The erasure receipt, as documented. */
interface Receipt {
  receiptId: string;
  erasedAt: string;
  suppressed: boolean;
  removed: Record<
    'events' | 'records' | 'devices' | 'profiles' | 'handoffs' | 'violations' | 'deliveries',
    number
  >;
}

/** Every table of the database, read from its catalog (never from a list kept by the store). */
async function tablesOf(database: TestDatabase): Promise<string[]> {
  if (database.engine === 'sqlite') {
    const rows = await database.rows('sqlite_master');
    return rows
      .filter((row) => row.type === 'table' && !String(row.name).startsWith('sqlite_'))
      .map((row) => String(row.name));
  }
  const rows = await database.rows('information_schema.tables');
  return rows
    .filter((row) => row.table_schema === 'public' && row.table_type === 'BASE TABLE')
    .map((row) => String(row.table_name));
}

/** Each `table.column` of any row whose value (as text) contains one of `needles`. */
async function whereFound(database: TestDatabase, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const table of await tablesOf(database)) {
    for (const row of await database.rows(table)) {
      for (const [column, value] of Object.entries(row)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        for (const needle of needles)
          if (text?.includes(needle)) found.push(`${table}.${column} ∋ ${needle}`);
      }
    }
  }
  return [...new Set(found)];
}

const asServer = { writeKey: null, headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` } };
const serverKey = { Authorization: `Bearer ${SHOP_SERVER_KEY}` };

describe('erasure and access (§8)', () => {
  let h: Harness;
  const [shop, blog] = SITES;
  // A plan, so the customer's events leave violations behind that the erasure must find.
  const plan = { events: { 'Plan Chosen': { properties: { plan: { enum: ['pro'] } } } } };
  const sites = validateSites({ sites: [{ ...shop, plan }, blog] });
  before(async () => {
    h = await startServer({ sites });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
  });

  async function batch(events: Record<string, unknown>[], sender: 'page' | 'server' = 'page') {
    const res = await postJson(`${h.url}/v1/batch`, { batch: events }, sender === 'server' ? asServer : {});
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as IngestBody;
  }

  /**
   * A signed-in customer with every kind of data: a guest cart, draft and chat from before signing
   * in, the same after, an agent's reply, a second (logged-out) device, an open handoff link made as a guest, events
   * from the page, from a third browser seen only in events, and from the shop's servers, and plan
   * violations. Returns their devices and every anonymous id the server saw for them.
   */
  async function customer(userId: string, tag: string) {
    const phone = await register(h.url, `anon-${tag}-phone`);
    const guestProfile = phone.profileId;
    await sync(h.url, phone, [
      line(`guest-${tag}`, 1, TEST_NOW),
      { doc: 'form:checkout', key: 'street', value: `1 ${tag} street`, hlc: hlc(TEST_NOW) },
      customerMessage(`${tag}-guest`, `hello from guest ${tag}`, TEST_NOW),
      { doc: 'consent', key: 'analytics', value: { granted: true, channel: 'web' }, hlc: hlc(TEST_NOW) },
    ]);
    const link = await api(h.url, 'POST', '/v1/handoff', { token: phone.token });
    assert.equal(link.status, 201);
    const { profileId } = await identify(h.url, phone, userId);
    await sync(h.url, phone, [
      line(`account-${tag}`, 2, TEST_NOW + 1),
      { doc: 'form:address', key: 'name', value: `${tag} ${userId}`, hlc: hlc(TEST_NOW + 1) },
      customerMessage(`${tag}-1`, `I am ${userId}`, TEST_NOW + 1),
      // A consent receipt too: it names the account's profile.
      { doc: 'consent', key: 'marketing', value: { granted: false, channel: 'web' }, hlc: hlc(TEST_NOW + 1) },
    ]);
    await reply(h.url, profileId, `Hello ${tag}`, 'Mia');
    const laptop = await register(h.url, `anon-${tag}-laptop`);
    await identify(h.url, laptop, userId);
    // A code shown at a till ("my cart in store"): kept with the handoffs, erased with them.
    assert.equal((await api(h.url, 'POST', '/v1/store-codes', { token: laptop.token })).status, 201);
    const kiosk = await register(h.url, `anon-${tag}-kiosk`);
    await identify(h.url, kiosk, userId);
    assert.equal((await api(h.url, 'DELETE', '/v1/devices/current', { token: kiosk.token })).status, 204);
    await batch([
      trackEvent({ anonymousId: `anon-${tag}-phone`, userId: null, event: 'Product Viewed' }),
      trackEvent({ anonymousId: `anon-${tag}-phone`, userId }),
      trackEvent({ anonymousId: `anon-${tag}-web`, userId, event: 'Plan Chosen', properties: { plan: 'x' } }),
      trackEvent({ anonymousId: `anon-${tag}-web`, userId: null, event: 'Plan Chosen', properties: {} }),
      {
        type: 'identify',
        messageId: `id-${tag}`,
        userId,
        anonymousId: `anon-${tag}-web`,
        traits: { email: userId },
      },
    ]);
    await batch([trackEvent({ anonymousId: null, userId, event: 'Order Completed' })], 'server');
    const anonymousIds = ['phone', 'web', 'laptop', 'kiosk'].map((device) => `anon-${tag}-${device}`);
    return { phone, laptop, kiosk, profileId, guestProfile, anonymousIds };
  }

  const erase = (userId: string, query = '') =>
    api(h.url, 'DELETE', `/v1/profiles/${encodeURIComponent(userId)}${query}`, { headers: serverKey });

  async function erased(userId: string, query = ''): Promise<Receipt> {
    const res = await erase(userId, query);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Receipt;
  }

  it('leaves neither the userId nor any of its anonymous ids in any column of any table', async () => {
    const ada = await customer(ADA, 'ada');
    const bob = await customer(BOB, 'bob');
    // What the guest typed before signing in names neither id, but it is theirs all the same.
    const needles = [ADA, ...ada.anonymousIds, '1 ada street', ada.guestProfile, ada.profileId];
    assert.equal((await whereFound(h.database, needles)).length > 5, true, 'planted');
    const receipts = await whereFound(h.database, [ada.profileId, ada.guestProfile]);
    assert.ok(
      receipts.includes(`consent_receipts.profile_id ∋ ${ada.profileId}`),
      'a consent receipt planted',
    );

    const receipt = await erased(ADA);
    assert.deepEqual(await whereFound(h.database, needles), []);
    assert.match(receipt.receiptId, /^er_/);
    assert.ok(Math.abs(Date.parse(receipt.erasedAt) - Date.now()) < 60_000);
    assert.equal(receipt.suppressed, false);
    assert.equal(receipt.removed.devices, 3);
    assert.equal(receipt.removed.events, 6);
    // The account and the guest profile each device started on.
    assert.equal(receipt.removed.profiles, 4);
    // Guest: a cart line, a draft field, a consent, the tombstone of the chat message that moved;
    // account: a cart line, a draft field, a consent, the moved message, a message, the agent's reply.
    assert.equal(receipt.removed.records, 10, JSON.stringify(receipt.removed));
    // The guest's handoff link and the account's in-store code.
    assert.equal(receipt.removed.handoffs, 2);
    assert.ok(receipt.removed.violations >= 1);

    // Bob is untouched.
    assert.notDeepEqual(await whereFound(h.database, [BOB]), []);
    const bobCart = await sync(h.url, bob.phone);
    assert.equal(bobCart.profileId, bob.profileId);
    assert.ok(bobCart.records.some((record) => record.key === 'account-bob'));
  });

  it("ends the customer's devices: a live stream closes, the next call is 401 profile_erased", async () => {
    const ada = await customer(ADA, 'ada');
    const stream = await openStream(h.url, ada.phone);
    await erased(ADA);
    assert.equal(await stream.done, 'end');
    for (const device of [ada.phone, ada.laptop]) {
      const res = await api(h.url, 'POST', '/v1/sync', { token: device.token, body: { push: [] } });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'profile_erased');
    }
    // A token that was never valid stays a plain invalid_token.
    const res = await api(h.url, 'POST', '/v1/sync', { token: 'made-up', body: { push: [] } });
    assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_token');
  });

  it('on PostgreSQL, another server process refuses the erased tokens at once and ends their streams', async (t) => {
    if (h.database.engine !== 'postgres') return t.skip('one SQLite file has one server process');
    // A second server on the same database, as behind a load balancer: its own pool and relay.
    const store = await h.database.open();
    const other = await createServer({ store, sites }).listen();
    try {
      const ada = await customer(ADA, 'ada');
      const stream = await openStream(other.url, ada.laptop);
      await sync(other.url, ada.phone);
      await erased(ADA);
      assert.equal(await stream.done, 'end');
      const res = await api(other.url, 'POST', '/v1/sync', { token: ada.phone.token, body: { push: [] } });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'profile_erased');
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('the agent API never shows an erased customer again', async () => {
    const ada = await customer(ADA, 'ada');
    await customer(BOB, 'bob');
    assert.ok((await conversations(h.url)).some((c) => c.userId === ADA));
    await erased(ADA);
    const list = await conversations(h.url);
    assert.ok(!list.some((c) => c.userId === ADA || c.profileId === ada.profileId));
    assert.ok(list.some((c) => c.userId === BOB));
    const view = await agentApi(h.url, 'GET', `/v1/agent/profiles/${ada.profileId}`);
    assert.equal(view.status, 404);
  });

  it('is all or nothing: a failure at its last step (the receipt) leaves every row and token as it was', async () => {
    const ada = await customer(ADA, 'ada');
    const needles = [ADA, ...ada.anonymousIds];
    const before = await whereFound(h.database, needles);
    await refusingInserts(h.database, 'erasure_receipts', async () => {
      assert.equal((await erase(ADA)).status, 500);
    });
    assert.deepEqual(await whereFound(h.database, needles), before);
    assert.equal((await sync(h.url, ada.laptop)).profileId, ada.profileId, 'the token still works');
    await erased(ADA);
    assert.deepEqual(await whereFound(h.database, needles), []);
  });

  it('is idempotent: a second erasure answers a receipt that removed nothing', async () => {
    await customer(ADA, 'ada');
    await erased(ADA);
    const again = await erased(ADA);
    assert.deepEqual(Object.values(again.removed), [0, 0, 0, 0, 0, 0, 0]);
    const unknown = await erased('nobody@example.com');
    assert.deepEqual(Object.values(unknown.removed), [0, 0, 0, 0, 0, 0, 0]);
  });

  it('with ?suppress=true, later events of that userId are accepted and dropped; only a hash is kept', async () => {
    await customer(ADA, 'ada');
    const suppressedBefore = h.server.stats().suppressed;
    const receipt = await erased(ADA, '?suppress=true');
    assert.equal(receipt.suppressed, true);
    const late = await batch([
      trackEvent({ userId: ADA, anonymousId: 'anon-new' }),
      trackEvent({ userId: BOB }),
    ]);
    assert.equal(late.accepted, 2, 'answered like stored: the client must not retry them');
    assert.equal(late.rejected.length, 0);
    const late2 = await batch([trackEvent({ userId: ADA, anonymousId: null })], 'server');
    assert.equal(late2.accepted, 1);
    assert.deepEqual(await whereFound(h.database, [ADA, 'anon-new']), []);
    assert.notDeepEqual(await whereFound(h.database, [BOB]), []);
    assert.equal(h.server.stats().suppressed - suppressedBefore, 2);
    // Without suppression, a new event of that userId is stored as usual.
    await erased(BOB);
    await batch([trackEvent({ userId: BOB })]);
    assert.notDeepEqual(await whereFound(h.database, [BOB]), []);
  });

  it('erases and exports a userId whatever it holds: "/", "%", "?", "#", or the word "current"', async () => {
    for (const userId of ['tenant/42', '100% sure', 'a?b#c', 'über/ü%2F', 'current', 'x/export']) {
      await batch([trackEvent({ userId })]);
      const exported = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(userId)}/export`, {
        headers: serverKey,
      });
      const data = (await exported.json()) as { userId: string; events: unknown[] };
      assert.deepEqual([data.userId, data.events.length], [userId, 1]);
      assert.equal((await erased(userId)).removed.events, 1, userId);
    }
  });

  it('refuses hostile userIds with 400 invalid_user_id, and any other credential with 401', async () => {
    await customer(ADA, 'ada');
    const raw = (path: string, headers: Record<string, string> = serverKey) =>
      fetch(`${h.url}${path}`, { method: 'DELETE', headers });
    const paths = [
      '/v1/profiles/',
      `/v1/profiles/${'x'.repeat(257)}`,
      '/v1/profiles/a%00b',
      '/v1/profiles/a%ED%A0%80b', // a lone surrogate, as far as UTF-8 can say it: not UTF-8 at all
      '/v1/profiles/%E0%A4%A',
    ];
    for (const path of paths) {
      for (const [method, suffix] of [
        ['DELETE', ''],
        ['GET', '/export'],
      ]) {
        const res = await fetch(`${h.url}${path}${suffix}`, { method, headers: serverKey });
        assert.equal(res.status, 400, `${method} ${path}${suffix}`);
        assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_user_id');
      }
    }
    const noKey = await raw(`/v1/profiles/${encodeURIComponent(ADA)}`, {});
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as ErrorBody).error.code, 'missing_server_key');
    const device = await register(h.url, 'anon-stranger');
    const asDevice = await raw(`/v1/profiles/${encodeURIComponent(ADA)}`, {
      Authorization: `Bearer ${device.token}`,
    });
    assert.equal(asDevice.status, 401);
    assert.notDeepEqual(await whereFound(h.database, [ADA]), [], 'nothing was erased');
  });

  describe('DELETE /v1/devices/current/data (forget(), device token)', () => {
    const forget = (device: TestDevice) =>
      api(h.url, 'DELETE', '/v1/devices/current/data', { token: device.token });

    it('erases an anonymous visitor entirely', async () => {
      const visitor = await register(h.url, 'anon-visitor-1');
      await sync(h.url, visitor, [line('tee', 1, TEST_NOW), customerMessage('v1', 'hi', TEST_NOW)]);
      assert.equal((await api(h.url, 'POST', '/v1/handoff', { token: visitor.token })).status, 201);
      await batch([trackEvent({ anonymousId: 'anon-visitor-1', userId: null })]);
      await customer(BOB, 'bob');
      const res = await forget(visitor);
      assert.equal(res.status, 200, await res.clone().text());
      const receipt = (await res.json()) as Receipt;
      assert.deepEqual(receipt.removed, {
        events: 1,
        records: 2,
        devices: 1,
        profiles: 1,
        handoffs: 1,
        violations: 1, // Product Added is not in the site's plan
        deliveries: 0, // the site has no webhooks
      });
      assert.deepEqual(await whereFound(h.database, ['anon-visitor-1', visitor.profileId]), []);
      const next = await forget(visitor);
      assert.equal(next.status, 401);
      assert.equal(((await next.json()) as ErrorBody).error.code, 'profile_erased');
      assert.notDeepEqual(await whereFound(h.database, [BOB]), []);
    });

    it('on a verified account, revokes only this device and erases only its events without a userId', async () => {
      const ada = await customer(ADA, 'ada');
      const res = await forget(ada.phone);
      assert.equal(res.status, 200, await res.clone().text());
      const receipt = (await res.json()) as Receipt;
      assert.equal(receipt.removed.profiles, 0);
      assert.equal(receipt.removed.records, 0);
      assert.equal(receipt.removed.devices, 1);
      assert.equal(receipt.removed.events, 1, 'the anonymous Product Viewed of the phone');
      const left = await whereFound(h.database, ['anon-ada-phone']);
      assert.deepEqual(left, ['events.anonymous_id ∋ anon-ada-phone', 'events.body ∋ anon-ada-phone']);
      // The account, its documents and its other devices are untouched.
      const laptop = await sync(h.url, ada.laptop);
      assert.ok(laptop.records.some((record) => record.key === 'account-ada'));
      const phone = await api(h.url, 'POST', '/v1/sync', { token: ada.phone.token, body: { push: [] } });
      assert.equal(((await phone.json()) as ErrorBody).error.code, 'profile_erased');
    });
  });

  it('GET /v1/profiles/{userId}/export hands back every kind of data held about the customer', async () => {
    const ada = await customer(ADA, 'ada');
    await customer(BOB, 'bob');
    const res = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/export`, { headers: serverKey });
    assert.equal(res.status, 200, await res.clone().text());
    const data = (await res.json()) as {
      userId: string;
      profiles: {
        profileId: string;
        userId: string | null;
        devices: Record<string, unknown>[];
        documents: Record<string, Record<string, unknown>>;
        handoffs: Record<string, unknown>[];
        consentReceipts: { category: string; granted: boolean; deviceId: string }[];
      }[];
      events: { messageId: string; body: Record<string, unknown>; violations: unknown[] }[];
      next?: string;
    };
    assert.equal(data.userId, ADA);
    const account = data.profiles.find((p) => p.profileId === ada.profileId);
    assert.ok(account);
    assert.equal(account.userId, ADA);
    assert.deepEqual(account.devices.map((d) => d.anonymousId).sort(), [
      'anon-ada-kiosk',
      'anon-ada-laptop',
      'anon-ada-phone',
    ]);
    assert.ok(account.devices.every((d) => !('tokenHash' in d) && !('token_hash' in d)));
    assert.deepEqual(Object.keys(account.documents).sort(), ['cart', 'chat', 'consent', 'form:address']);
    assert.deepEqual(account.documents.cart['account-ada'], { qty: 2 });
    assert.deepEqual(
      account.consentReceipts.map((r) => [r.category, r.granted, r.deviceId]),
      [['marketing', false, ada.phone.deviceId]],
    );
    const guest = data.profiles.find((p) => p.profileId === ada.guestProfile);
    assert.ok(guest, 'the guest profile the phone started on');
    assert.deepEqual(guest.documents.cart, { 'guest-ada': { qty: 1 } });
    assert.deepEqual(
      guest.consentReceipts.map((r) => r.category),
      ['analytics'],
    );
    assert.deepEqual(
      guest.handoffs.map((handoff) => handoff.kind),
      ['handoff'],
    );
    assert.deepEqual(
      account.handoffs.map((handoff) => [handoff.kind, handoff.createdBy]),
      [['store', ada.laptop.deviceId]],
    );
    assert.ok(
      [...guest.handoffs, ...account.handoffs].every((handoff) => !JSON.stringify(handoff).includes('token')),
    );
    assert.equal(data.events.length, 6);
    assert.ok(data.events.some((event) => event.body.type === 'identify'));
    assert.ok(data.events.some((event) => event.violations.length > 0));
    assert.ok(!JSON.stringify(data).includes(BOB));
    assert.equal(data.next, undefined);

    // Paged: a page of events at a time, the profiles on the first page only.
    const first = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/export?limit=4`, {
      headers: serverKey,
    });
    const page = (await first.json()) as typeof data;
    assert.equal(page.events.length, 4);
    assert.ok(page.next);
    const second = await fetch(
      `${h.url}/v1/profiles/${encodeURIComponent(ADA)}/export?limit=4&after=${page.next}`,
      { headers: serverKey },
    );
    const rest = (await second.json()) as typeof data;
    assert.equal(rest.events.length, 2);
    assert.deepEqual(rest.profiles, []);
    assert.equal(rest.next, undefined);

    const unknown = await fetch(`${h.url}/v1/profiles/nobody/export`, { headers: serverKey });
    assert.equal(unknown.status, 200);
    assert.deepEqual(((await unknown.json()) as typeof data).events, []);
  });
});
