// Retention per site on the housekeeping schedule: what a site keeps for N days (events, chat, form
// drafts, anonymous profiles) is deleted once older, what is younger stays, and a site without a
// retention keeps everything. The stores stamp rows with the real clock, so a test plants rows
// through the API (the server's clock at TEST_NOW, years ago, so no run deletes anything meanwhile),
// backdates some straight in the database, then moves the server's clock to the real time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HousekeepingReport, Site } from '../../../server/index.ts';
import {
  type Harness,
  type HarnessOptions,
  postJson,
  SITES,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { customerMessage } from './agent-client.ts';
import { api, hlc, identify, line, register, sync, type TestDevice, type WireRecord } from './client.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The shop with `retention`, the blog with none. */
const sitesWith = (retention: Site['retention']): Site[] => [{ ...SITES[0], retention }, SITES[1]];

type Removed = Pick<HousekeepingReport, 'events' | 'chatRecords' | 'draftRecords' | 'anonymousProfiles'>;

/** A server whose housekeeping runs every 20 ms on a clock at the real time; `runs` waits for more. */
async function retainingServer(options: HarnessOptions) {
  const reports: HousekeepingReport[] = [];
  const h = await startServer({
    ...options,
    housekeeping: { intervalMs: 20, ...options.housekeeping },
    onHousekeeping: (report) => reports.push(report),
  });
  const removedSince = (from: number): Removed =>
    reports.slice(from).reduce(
      (sum, r) => ({
        events: sum.events + r.events,
        chatRecords: sum.chatRecords + r.chatRecords,
        draftRecords: sum.draftRecords + r.draftRecords,
        anonymousProfiles: sum.anonymousProfiles + r.anonymousProfiles,
      }),
      { events: 0, chatRecords: 0, draftRecords: 0, anonymousProfiles: 0 },
    );
  /** Moves the server's clock to the real time, lets two more runs happen; returns what they removed. */
  const housekeep = async (): Promise<Removed> => {
    h.clock.now = Date.now();
    const from = reports.length;
    const deadline = Date.now() + 5000;
    while (reports.length < from + 2) {
      assert.ok(Date.now() < deadline, 'two housekeeping runs within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return removedSince(from);
  };
  return { h, reports, removedSince, housekeep };
}

const daysAgo = (days: number) => Date.now() - days * DAY;
const isoDaysAgo = (days: number) => new Date(daysAgo(days)).toISOString();

/** Sends one track event of `writeKey`'s site; returns its messageId. */
async function sendEvent(h: Harness, anonymousId: string, writeKey = 'shop-key'): Promise<string> {
  const event = trackEvent({ anonymousId });
  const res = await postJson(`${h.url}/v1/batch`, { batch: [event] }, { writeKey });
  assert.equal(res.status, 200);
  return event.messageId as string;
}

/** Backdates what the server received of an event (and its plan violations) to `days` ago. */
async function ageEvent(h: Harness, messageId: string, days: number): Promise<void> {
  await h.database.exec('UPDATE events SET received_at = $1 WHERE message_id = $2', [
    isoDaysAgo(days),
    messageId,
  ]);
}

/** Plants a plan violation of an event, received when the event was. */
async function violation(h: Harness, siteId: string, messageId: string, days: number): Promise<void> {
  await h.database.exec(
    `INSERT INTO plan_violations (site_id, message_id, event, path, kind, message, received_at)
     VALUES ($1, $2, 'Product Added', 'properties.sku', 'missing', 'sku is missing', $3)`,
    [siteId, messageId, isoDaysAgo(days)],
  );
}

/** Backdates when the server received a profile's records of `doc` (every doc when absent). */
async function ageRecords(h: Harness, device: TestDevice, days: number, doc?: string): Promise<void> {
  const params: unknown[] = [daysAgo(days), device.profileId];
  await h.database.exec(
    `UPDATE records SET received_at = $1 WHERE profile_id = $2${doc ? ' AND doc = $3' : ''}`,
    doc ? [...params, doc] : params,
  );
}

const draft = (form: string, field: string, value: string): WireRecord => ({
  doc: `form:${form}`,
  key: field,
  value: { value },
  hlc: hlc(TEST_NOW),
});

/** [site, doc, key] of every stored record, sorted. */
async function storedRecords(h: Harness): Promise<string[]> {
  const rows = await h.database.rows('records');
  return rows.map((row) => `${row.site_id} ${row.doc} ${row.key}`).sort();
}

async function storedEvents(h: Harness): Promise<string[]> {
  return (await h.database.rows('events')).map((row) => String(row.message_id)).sort();
}

describe('retention per site', () => {
  it('deletes events, chats and drafts older than the site keeps them, and nothing younger or elsewhere', async () => {
    const server = await retainingServer({ sites: sitesWith({ events: 30, chat: 30, drafts: 7 }) });
    const { h } = server;
    try {
      const oldEvent = await sendEvent(h, 'anon-old');
      const youngEvent = await sendEvent(h, 'anon-young');
      const blogEvent = await sendEvent(h, 'anon-blog', 'blog-key');
      await ageEvent(h, oldEvent, 31);
      await ageEvent(h, youngEvent, 29);
      await ageEvent(h, blogEvent, 400);
      await violation(h, 'shop', oldEvent, 31);
      await violation(h, 'shop', youngEvent, 29);
      await violation(h, 'blog', blogEvent, 400);

      // An old conversation and an old draft, next to a cart just as old, on one device.
      const quiet = await register(h.url, 'quiet');
      const quietCursor = (
        await sync(h.url, quiet, [
          customerMessage('q1', 'is the mug dishwasher safe?', TEST_NOW),
          draft('checkout', 'email', 'ada@example.com'),
          line('mug', 1, TEST_NOW),
        ])
      ).cursor;
      await ageRecords(h, quiet, 31);
      // A conversation with a message 31 days ago and one 29 days ago: its last change is recent.
      const talking = await register(h.url, 'talking');
      await sync(h.url, talking, [customerMessage('t1', 'hello', TEST_NOW)]);
      await ageRecords(h, talking, 31);
      await sync(h.url, talking, [customerMessage('t2', 'still there?', TEST_NOW)]);
      await ageRecords(h, talking, 29, 'chat');
      await h.database.exec("UPDATE records SET received_at = $1 WHERE key = 'm:t1'", [daysAgo(31)]);
      // Drafts 6 and 8 days old on one device: only the older one goes.
      const filling = await register(h.url, 'filling');
      await sync(h.url, filling, [draft('newsletter', 'email', 'b@example.com')]);
      await ageRecords(h, filling, 6);
      await sync(h.url, filling, [draft('returns', 'order', 'A-1')]);
      await h.database.exec("UPDATE records SET received_at = $1 WHERE doc = 'form:returns'", [daysAgo(8)]);
      // The blog keeps everything, however old.
      const reader = await register(h.url, 'reader', 'blog-key');
      await sync(h.url, reader, [
        customerMessage('b1', 'nice post', TEST_NOW),
        draft('contact', 'name', 'Bo'),
      ]);
      await ageRecords(h, reader, 400);

      assert.deepEqual(await server.housekeep(), {
        events: 1,
        chatRecords: 1,
        draftRecords: 2,
        anonymousProfiles: 0,
      });
      assert.deepEqual(await storedEvents(h), [blogEvent, youngEvent].sort());
      const violations = await h.database.rows('plan_violations');
      assert.deepEqual(violations.map((row) => row.message_id).sort(), [blogEvent, youngEvent].sort());
      assert.deepEqual(await storedRecords(h), [
        'blog chat m:b1',
        'blog form:contact name',
        'shop cart mug',
        'shop chat m:t1',
        'shop chat m:t2',
        'shop form:newsletter email',
      ]);

      // The device that held the old chat and draft forgets them too: its next pull is a reset.
      const pulled = await sync(h.url, quiet, [], quietCursor);
      assert.equal(pulled.reset, true);
      assert.deepEqual(
        pulled.records.map((record) => `${record.doc} ${record.key}`),
        ['cart mug'],
      );
      // Nothing more goes at the next runs.
      assert.deepEqual(await server.housekeep(), {
        events: 0,
        chatRecords: 0,
        draftRecords: 0,
        anonymousProfiles: 0,
      });
    } finally {
      await h.close();
    }
  });

  it('deletes anonymous profiles with no activity for N days, with their devices, links and documents', async () => {
    const server = await retainingServer({ sites: sitesWith({ anonymousProfiles: 60 }) });
    const { h } = server;
    try {
      /** A visitor with a cart, a handoff link and an event, every trace of it `days` old. */
      const visitor = async (name: string, days: number, writeKey = 'shop-key') => {
        const device = await register(h.url, name, writeKey);
        await sync(h.url, device, [line('tee', 1, TEST_NOW)]);
        assert.equal((await api(h.url, 'POST', '/v1/handoff', { token: device.token })).status, 201);
        const event = await sendEvent(h, name, writeKey);
        await ageVisitor(h, device, days);
        await ageEvent(h, event, days);
        return { device, event };
      };
      const gone = await visitor('gone', 61);
      const recentEvent = await visitor('recent-event', 61);
      await ageEvent(h, recentEvent.event, 10);
      const recentCart = await visitor('recent-cart', 61);
      await ageRecords(h, recentCart.device, 10);
      const young = await visitor('young', 59);
      const blog = await visitor('blog-reader', 400, 'blog-key');
      // A verified customer's profile is never this rule's, however quiet.
      const customer = await register(h.url, 'customer');
      const { profileId: userProfile } = await identify(h.url, customer, 'ada');
      await sync(h.url, customer, [line('mug', 2, TEST_NOW)]);
      await ageVisitor(h, { ...customer, profileId: userProfile }, 400);

      assert.deepEqual(await server.housekeep(), {
        events: 0,
        chatRecords: 0,
        draftRecords: 0,
        anonymousProfiles: 1,
      });
      const profiles = (await h.database.rows('profiles')).map((row) => row.id);
      assert.ok(!profiles.includes(gone.device.profileId));
      for (const kept of [recentEvent, recentCart, young, blog])
        assert.ok(profiles.includes(kept.device.profileId));
      assert.ok(profiles.includes(userProfile));
      const devices = (await h.database.rows('devices')).map((row) => row.id);
      assert.ok(!devices.includes(gone.device.deviceId));
      const handoffs = (await h.database.rows('handoffs')).map((row) => row.profile_id);
      assert.ok(!handoffs.includes(gone.device.profileId));
      assert.equal(handoffs.length, 4);
      const records = (await h.database.rows('records')).map((row) => row.profile_id);
      assert.ok(!records.includes(gone.device.profileId));
      assert.equal(records.length, 5);
      // Its events are the `events` rule's (none here): they stay.
      assert.ok((await storedEvents(h)).includes(gone.event));
      // Its token is dead; the others still sync.
      assert.equal(
        (await api(h.url, 'POST', '/v1/sync', { token: gone.device.token, body: { push: [], cursor: '' } }))
          .status,
        401,
      );
      assert.equal((await sync(h.url, young.device)).records.length, 1);
      assert.equal((await sync(h.url, customer)).profileId, userProfile);
    } finally {
      await h.close();
    }
  });

  it('bounds each run to its batches, and later runs finish the work', async () => {
    const server = await retainingServer({
      sites: sitesWith({ events: 1, drafts: 1, anonymousProfiles: 1 }),
      housekeeping: { batchSize: 2, batchesPerRun: 1 },
    });
    const { h } = server;
    try {
      const events = await Promise.all(Array.from({ length: 5 }, (_, i) => sendEvent(h, `anon-${i}`)));
      for (const event of events) await ageEvent(h, event, 2);
      const device = await register(h.url, 'filling');
      await sync(
        h.url,
        device,
        Array.from({ length: 5 }, (_, i) => draft(`form-${i}`, 'email', `${i}@example.com`)),
      );
      await ageRecords(h, device, 2);
      // A visitor gone for 2 days with more records than one transaction deletes.
      const leaving = await register(h.url, 'leaving');
      await sync(
        h.url,
        leaving,
        Array.from({ length: 5 }, (_, i) => line(`sku-${i}`, 1, TEST_NOW)),
      );
      await ageVisitor(h, leaving, 2);
      h.clock.now = Date.now();
      const from = server.reports.length;
      const deadline = Date.now() + 5000;
      const done = () => {
        const removed = server.removedSince(from);
        return removed.events === 5 && removed.draftRecords === 5 && removed.anonymousProfiles === 1;
      };
      while (!done()) {
        assert.ok(Date.now() < deadline, 'every old event, draft and visitor gone within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const report of server.reports.slice(from)) {
        assert.ok(report.events <= 2 && report.draftRecords <= 2, JSON.stringify(report));
      }
      assert.deepEqual(await storedEvents(h), []);
      assert.deepEqual(await storedRecords(h), []);
      const profiles = (await h.database.rows('profiles')).map((row) => row.id);
      assert.deepEqual(profiles, [device.profileId]);
    } finally {
      await h.close();
    }
  });
});

/** Backdates every trace of a profile: its creation, its devices, records and handoff links. */
async function ageVisitor(h: Harness, device: TestDevice, days: number): Promise<void> {
  const iso = isoDaysAgo(days);
  await h.database.exec('UPDATE profiles SET created_at = $1 WHERE id = $2', [iso, device.profileId]);
  await h.database.exec('UPDATE devices SET created_at = $1 WHERE profile_id = $2', [iso, device.profileId]);
  await ageRecords(h, device, days);
  await h.database.exec('UPDATE handoffs SET created_at = $1 WHERE profile_id = $2', [
    daysAgo(days),
    device.profileId,
  ]);
}
