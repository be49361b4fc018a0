// Consent receipts (§3, §8; GDPR Art. 7(1)): a verified customer's choice is the synced document
// `consent`, one record per category, checked per record like any record rule; every consent record
// the server accepts leaves one receipt (won or not, never twice for the same record, never for a
// merge that failed), which GET /v1/profiles/{userId}/consent shows with the document as it stands.
// Erasure removes the receipts (erasure.ts searches every table), retention never does.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HousekeepingReport, Site } from '../../../server/index.ts';
import type { ConsentAnswer } from '../../../src/protocol/index.ts';
import { type ErrorBody, type Harness, SHOP_SERVER_KEY, SITES, startServer, TEST_NOW } from '../helpers.ts';
import { refusingInserts } from '../test-database.ts';
import { api, hlc, identify, line, register, sync, type TestDevice, type WireRecord } from './client.ts';

const ADA = 'ada.lovelace@example.com';
const serverKey = { Authorization: `Bearer ${SHOP_SERVER_KEY}` };

/** A consent record as the SDK writes it. */
const consent = (category: string, value: unknown, at = TEST_NOW, replica = 'phone'): WireRecord => ({
  doc: 'consent',
  key: category,
  value,
  hlc: hlc(at, 0, replica),
});

/** The consent route's answer, as the protocol defines it (the test reads it as a client would). */
type ConsentBody = ConsentAnswer;

describe('consent receipts (§3, §8)', () => {
  let h: Harness;
  let phone: TestDevice;
  /** Ada's profile (the account the phone joined by signing in). */
  let accountId: string;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    phone = await register(h.url, 'anon-ada-phone');
    accountId = (await identify(h.url, phone, ADA)).profileId;
  });

  const read = (userId: string, query = '') =>
    fetch(`${h.url}/v1/profiles/${encodeURIComponent(userId)}/consent${query}`, { headers: serverKey });

  async function consentOf(userId = ADA, query = ''): Promise<ConsentBody> {
    const res = await read(userId, query);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as ConsentBody;
  }

  it('keeps a receipt of each consent record a device pushes, and shows the document as it stands', async () => {
    const answer = await sync(h.url, phone, [
      consent('analytics', { granted: true, channel: 'web', policy: '2026-05' }),
      consent('marketing', { granted: false, channel: 'web' }, TEST_NOW + 1),
      line('tee', 1, TEST_NOW),
    ]);
    assert.deepEqual(answer.rejected, []);
    const data = await consentOf();
    assert.equal(data.userId, ADA);
    assert.deepEqual(data.current, {
      analytics: { granted: true, channel: 'web', policy: '2026-05', at: new Date(TEST_NOW).toISOString() },
      marketing: { granted: false, channel: 'web', at: new Date(TEST_NOW + 1).toISOString() },
    });
    assert.deepEqual(data.receipts, [
      {
        category: 'analytics',
        granted: true,
        channel: 'web',
        policy: '2026-05',
        deviceId: phone.deviceId,
        clientAt: new Date(TEST_NOW).toISOString(),
        receivedAt: new Date(TEST_NOW).toISOString(),
      },
      {
        category: 'marketing',
        granted: false,
        channel: 'web',
        deviceId: phone.deviceId,
        clientAt: new Date(TEST_NOW + 1).toISOString(),
        receivedAt: new Date(TEST_NOW).toISOString(),
      },
    ]);
    assert.equal(data.next, undefined);
    // Only the consent document: the cart line is no receipt.
    assert.equal((await h.database.rows('consent_receipts')).length, 2);
  });

  it('refuses a consent value of another shape, or a removal, per record; the rest of the push applies', async () => {
    const bad: [string, WireRecord][] = [
      ['granted', consent('a1', { granted: 'yes', channel: 'web' })],
      ['no channel', consent('a2', { granted: true })],
      ['empty channel', consent('a3', { granted: true, channel: '' })],
      ['long channel', consent('a4', { granted: true, channel: 'w'.repeat(65) })],
      ['channel type', consent('a5', { granted: true, channel: 7 })],
      ['policy type', consent('a6', { granted: true, channel: 'web', policy: 3 })],
      ['long policy', consent('a7', { granted: true, channel: 'web', policy: 'p'.repeat(129) })],
      ['extra key', consent('a8', { granted: true, channel: 'web', note: 'x' })],
      ['not an object', consent('a9', true)],
      ['array', consent('a10', [true, 'web'])],
      [
        'tombstone',
        { doc: 'consent', key: 'a11', value: null, hlc: hlc(TEST_NOW, 1, 'phone'), deleted: true },
      ],
    ];
    const good = consent('analytics', { granted: true, channel: 'w'.repeat(64), policy: 'p'.repeat(128) });
    const answer = await sync(h.url, phone, [
      ...bad.map(([, record]) => record),
      good,
      line('tee', 1, TEST_NOW),
    ]);
    assert.deepEqual(
      answer.rejected.map((r) => r.code),
      bad.map(() => 'invalid_record'),
    );
    assert.deepEqual(
      answer.rejected.map((r) => r.hlc),
      bad.map(([, record]) => record.hlc),
    );
    assert.match(answer.rejected[10].message, /granted": false/);
    assert.deepEqual(answer.records.map((r) => r.key).sort(), ['analytics', 'tee']);
    const data = await consentOf();
    assert.deepEqual(Object.keys(data.current), ['analytics']);
    assert.deepEqual(
      data.receipts.map((r) => r.category),
      ['analytics'],
    );
  });

  it('keeps a receipt of a late older change too, and never two of one record', async () => {
    const laptop = await register(h.url, 'anon-ada-laptop');
    await identify(h.url, laptop, ADA);
    const newer = consent('marketing', { granted: false, channel: 'web' }, TEST_NOW + 5, 'laptop');
    const older = consent('marketing', { granted: true, channel: 'web' }, TEST_NOW, 'phone');
    await sync(h.url, laptop, [newer]);
    const late = await sync(h.url, phone, [older, older]);
    assert.deepEqual(late.rejected, []);
    // Re-sent, as a client does after a timeout: the same record, the same receipt.
    await sync(h.url, phone, [older]);
    await sync(h.url, laptop, [newer]);
    const data = await consentOf();
    assert.equal(data.current.marketing.granted, false, 'the newer change wins the merge');
    assert.deepEqual(
      data.receipts.map((r) => [r.granted, r.deviceId]),
      [
        [false, laptop.deviceId],
        [true, phone.deviceId],
      ],
    );
  });

  it('keeps no receipt of a merge that failed', async () => {
    await refusingInserts(h.database, 'records', async () => {
      const res = await api(h.url, 'POST', '/v1/sync', {
        token: phone.token,
        body: { push: [consent('analytics', { granted: true, channel: 'web' })] },
      });
      assert.equal(res.status, 500);
    });
    assert.deepEqual(await h.database.rows('consent_receipts'), []);
    // Pushed again once the database takes it: one receipt.
    await sync(h.url, phone, [consent('analytics', { granted: true, channel: 'web' })]);
    assert.equal((await consentOf()).receipts.length, 1);
  });

  it('pages the receipts oldest first (?limit=, ?after=), and refuses a wrong page with 400', async () => {
    const flips = Array.from({ length: 5 }, (_, i) =>
      consent('analytics', { granted: i % 2 === 0, channel: 'web' }, TEST_NOW + i),
    );
    for (const flip of flips) await sync(h.url, phone, [flip]);
    const first = await consentOf(ADA, '?limit=2');
    assert.deepEqual(
      first.receipts.map((r) => r.granted),
      [true, false],
    );
    assert.ok(first.next);
    assert.equal(first.current.analytics.granted, true, 'the last flip');
    const second = await consentOf(ADA, `?limit=2&after=${first.next}`);
    const third = await consentOf(ADA, `?limit=2&after=${second.next}`);
    assert.deepEqual(
      [...first.receipts, ...second.receipts, ...third.receipts].map((r) => r.clientAt),
      flips.map((_, i) => new Date(TEST_NOW + i).toISOString()),
    );
    assert.equal(third.next, undefined);
    for (const query of ['?limit=0', '?limit=1001', '?limit=x', '?after=0', '?after=abc']) {
      const res = await read(ADA, query);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_query');
    }
  });

  it('answers an unknown userId, or a guest who never signed in, with nothing', async () => {
    const guest = await register(h.url, 'anon-guest');
    await sync(h.url, guest, [consent('analytics', { granted: true, channel: 'web' })]);
    assert.deepEqual(await consentOf('nobody@example.com'), {
      userId: 'nobody@example.com',
      current: {},
      receipts: [],
    });
  });

  it('refuses hostile userIds with 400 invalid_user_id, as the erasure routes do, and other keys with 401', async () => {
    const paths = [
      '/v1/profiles/',
      `/v1/profiles/${'x'.repeat(257)}`,
      '/v1/profiles/a%00b',
      '/v1/profiles/a%ED%A0%80b',
      '/v1/profiles/%E0%A4%A',
    ];
    for (const path of paths) {
      const res = await fetch(`${h.url}${path}/consent`, { headers: serverKey });
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_user_id');
    }
    const noKey = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/consent`);
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as ErrorBody).error.code, 'missing_server_key');
    const asDevice = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/consent`, {
      headers: { Authorization: `Bearer ${phone.token}` },
    });
    assert.equal(asDevice.status, 401);
  });

  it('exports the receipts with the profile, and an erasure removes them', async () => {
    await sync(h.url, phone, [consent('analytics', { granted: true, channel: 'web', policy: 'v3' })]);
    const res = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/export`, { headers: serverKey });
    const data = (await res.json()) as { profiles: { profileId: string; consentReceipts: unknown[] }[] };
    const account = data.profiles.find((p) => p.profileId === accountId);
    assert.deepEqual(account?.consentReceipts, (await consentOf()).receipts);
    const erased = await api(h.url, 'DELETE', `/v1/profiles/${encodeURIComponent(ADA)}`, {
      headers: serverKey,
    });
    assert.equal(erased.status, 200);
    assert.deepEqual(await h.database.rows('consent_receipts'), []);
    assert.deepEqual(await consentOf(), { userId: ADA, current: {}, receipts: [] });
  });
});

describe('consent receipts and the quota', () => {
  it('keeps no receipt of a push refused whole by the profile quota', async () => {
    const h = await startServer({ limits: { recordsPerProfile: 1 } });
    try {
      const phone = await register(h.url, 'anon-full');
      await identify(h.url, phone, ADA);
      await sync(h.url, phone, [line('tee', 1, TEST_NOW)]);
      const res = await api(h.url, 'POST', '/v1/sync', {
        token: phone.token,
        body: { push: [consent('analytics', { granted: true, channel: 'web' })] },
      });
      assert.equal(res.status, 429);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'records_quota_exceeded');
      assert.deepEqual(await h.database.rows('consent_receipts'), []);
    } finally {
      await h.close();
    }
  });
});

describe('consent and retention', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const retention = { events: 1, chat: 1, drafts: 1, anonymousProfiles: 1 };
  const sites: Site[] = [{ ...SITES[0], retention }, SITES[1]];

  it("never deletes the receipts or a customer's consent document, however old", async () => {
    const reports: HousekeepingReport[] = [];
    const h = await startServer({
      sites,
      housekeeping: { intervalMs: 20 },
      onHousekeeping: (report) => reports.push(report),
    });
    try {
      const phone = await register(h.url, 'anon-old');
      await identify(h.url, phone, ADA);
      await sync(h.url, phone, [
        consent('analytics', { granted: true, channel: 'web' }),
        { doc: 'form:address', key: 'street', value: '1 Old street', hlc: hlc(TEST_NOW) },
      ]);
      // Everything was received long before the site's one day: backdate it, then let time pass.
      // Counted from before the backdating: the run that deletes the draft may start at once.
      const from = reports.length;
      await h.database.exec('UPDATE records SET received_at = $1'.replace('$1', String(TEST_NOW - 10 * DAY)));
      h.clock.now = Date.now();
      const deadline = Date.now() + 5000;
      while (!reports.slice(from).some((r) => r.draftRecords > 0)) {
        assert.ok(Date.now() < deadline, 'the draft went within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // One more run after it: retention had every chance at the consent too.
      const after = reports.length;
      while (reports.length <= after) {
        assert.ok(Date.now() < deadline + 5000, 'another housekeeping run');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const res = await fetch(`${h.url}/v1/profiles/${encodeURIComponent(ADA)}/consent`, {
        headers: serverKey,
      });
      const data = (await res.json()) as ConsentBody;
      assert.deepEqual(Object.keys(data.current), ['analytics']);
      assert.equal(data.receipts.length, 1);
    } finally {
      await h.close();
    }
  });
});
