// Webhooks out, on SQLite and on PostgreSQL: the real server delivers its events to a real HTTP
// receiver (test/server/webhook-receiver.ts), signed, at least once, and retries while the receiver
// fails (500s, a dropped connection, a closed port) until it recovers or the retry horizon passes.
// The server's clock (the harness's) drives the backoff: a test moves it, never waits for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Site, WebhookOptions } from '../../server/index.ts';
import {
  type Harness,
  postJson,
  SHOP_SERVER_KEY,
  SITES,
  setHarnessDatabase,
  startServer,
  trackEvent,
} from './helpers.ts';
import { METRICS_TOKEN, sample, scrape } from './metrics-scrape.ts';
import { startPostgres } from './postgres.ts';
import { validate } from './protocol/json-schema.ts';
import { refusingInserts, sqliteDatabase, type TestDatabaseFactory } from './test-database.ts';
import { type Receiver, signedBy, startReceiver, until } from './webhook-receiver.ts';

const SECRET = 'whsec-for-tests-8c2e4a6f1b3d5e7092a4c6e8';
const OTHER_SECRET = 'whsec-other-for-tests-1f3e5d7c9b2a4e6f80';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The test's backoff: 1 s after the first failure, doubling up to 1 minute. */
const WEBHOOK_OPTIONS = {
  pollMs: 20,
  firstRetryMs: 1000,
  maxRetryMs: MINUTE,
  retryForMs: 24 * HOUR,
  queueDepthEveryMs: 1,
};

/** docs/openapi.json, whose `WebhookPayload` every delivered body must match. */
const spec = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const PAYLOAD = { $ref: '#/components/schemas/WebhookPayload' };

const cluster = await startPostgres();
after(() => cluster.stop());

/** The test sites, the shop's with these webhooks. */
function sitesWith(webhooks: Site['webhooks']): Site[] {
  return SITES.map((site) => (site.id === 'shop' ? { ...site, webhooks } : site));
}

interface Delivery {
  id: string;
  webhook: string;
  messageId: string;
  credential: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  retryUntil: string;
  deliveredAt: string | null;
}

/** A request with the shop's server key (or none), its status and parsed body. */
async function call(h: Harness, method: string, path: string, key: string | null = SHOP_SERVER_KEY) {
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers: key ? { Authorization: `Bearer ${key}` } : {},
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function deliveries(h: Harness, query = ''): Promise<Delivery[]> {
  const answer = await call(h, 'GET', `/v1/webhooks/deliveries${query}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as { deliveries: Delivery[] }).deliveries;
}

/** Posts events with the write key (or the server key), expecting them stored. */
async function send(h: Harness, events: Record<string, unknown>[], serverKey = false): Promise<void> {
  const response = serverKey
    ? await postJson(
        `${h.url}/v1/batch`,
        { batch: events },
        { writeKey: null, headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` } },
      )
    : await postJson(`${h.url}/v1/batch`, { batch: events });
  assert.equal(response.status, 200, await response.text());
}

/** Waits until `count` deliveries have recorded an attempt that failed with `error`. */
async function recorded(h: Harness, count: number, error: RegExp): Promise<void> {
  await until(`${count} attempts failed with ${error}`, async () => {
    const listed = await deliveries(h);
    return listed.length === count && listed.every((d) => error.test(d.lastError ?? ''));
  });
}

/** Moves the server's clock past any backoff of the test's options, so every pending delivery is due. */
function pastBackoff(h: Harness): void {
  h.clock.now += WEBHOOK_OPTIONS.maxRetryMs + 1;
}

function webhookCases(engine: string, databases: TestDatabaseFactory) {
  describe(`webhooks on ${engine}`, () => {
    let receiver: Receiver;
    let other: Receiver;
    let h: Harness;

    before(async () => {
      setHarnessDatabase(databases);
      receiver = await startReceiver();
      other = await startReceiver('/other');
    });
    after(async () => {
      await receiver.close();
      await other.close();
    });

    const start = async (webhooks: Site['webhooks'], options: Partial<WebhookOptions> = {}) => {
      receiver.received.length = 0;
      receiver.mode = 'ok';
      h = await startServer({
        sites: sitesWith(webhooks),
        webhooks: { ...WEBHOOK_OPTIONS, ...options },
        metrics: { token: METRICS_TOKEN },
      });
      return h;
    };
    const crm = () => ({
      name: 'crm',
      url: receiver.url,
      secret: SECRET,
      types: ['track' as const],
      categories: [],
    });

    it('a receiver that fails for a while receives every event once it recovers, signed, with its messageId', async () => {
      await start([crm()]);
      try {
        receiver.mode = 'fail';
        const events = [
          trackEvent(),
          trackEvent({ userId: 'ada' }),
          trackEvent({ event: 'Order Completed' }),
        ];
        await send(h, events);
        const fromServer = trackEvent({ event: 'Order Completed', userId: 'ada' });
        await send(h, [fromServer], true);
        const all = [...events, fromServer];
        // Each failure in turn: 500s, a dropped connection, then nothing listening at all. The clock
        // moves on only once every attempt's outcome is recorded (its error), so each is due again.
        await recorded(h, all.length, /^HTTP 500: receiver is failing$/);
        pastBackoff(h);
        receiver.mode = 'drop';
        await recorded(h, all.length, /^connection closed by the receiver$/);
        await receiver.down();
        pastBackoff(h);
        await recorded(h, all.length, /^connection refused$/);
        assert.deepEqual(
          receiver.received.map((r) => r.answered),
          [...all.map(() => 'fail'), ...all.map(() => 'drop')],
        );
        const pending = await deliveries(h, '?status=pending');
        assert.equal(pending.length, all.length);
        const meanwhile = await scrape(h.url);
        assert.equal(sample(meanwhile, 'omnikit_webhook_deliveries_pending'), all.length);
        const crmLabels = { site: 'shop', webhook: 'crm' };
        assert.equal(
          sample(meanwhile, 'omnikit_webhook_attempts_total', { ...crmLabels, outcome: 'pending' }),
          12,
        );

        receiver.mode = 'ok';
        await receiver.up();
        pastBackoff(h);
        await until(
          'every event delivered',
          async () => (await deliveries(h, '?status=delivered')).length === all.length,
        );
        assert.deepEqual(receiver.delivered().sort(), all.map((event) => event.messageId as string).sort());
        for (const request of receiver.received.filter((r) => r.answered === 'ok')) {
          assert.ok(signedBy(request, SECRET, h.clock.now), 'signature valid');
          assert.ok(!signedBy(request, OTHER_SECRET, h.clock.now), 'and only with its secret');
          const body = JSON.parse(request.body);
          assert.deepEqual(validate(body, PAYLOAD, spec), [], 'the documented payload');
          const sent = all.find((event) => event.messageId === request.headers['omnikit-event-id']);
          assert.deepEqual(body.event, sent, 'the event as sent');
          assert.equal(body.site, 'shop');
          assert.equal(body.webhook, 'crm');
          assert.equal(body.credential, sent === fromServer ? 'server' : 'public');
          assert.equal(request.headers['omnikit-delivery-id'], body.deliveryId);
          assert.equal(request.headers['content-type'], 'application/json');
        }
        const listed = await deliveries(h);
        assert.ok(
          listed.every(
            (d) => d.status === 'delivered' && d.attempts === 4 && d.deliveredAt && !d.nextAttemptAt,
          ),
        );
        assert.deepEqual(new Set(listed.map((d) => d.lastError)), new Set([null]));
        const metrics = await scrape(h.url);
        assert.equal(
          sample(metrics, 'omnikit_webhook_attempts_total', { ...crmLabels, outcome: 'delivered' }),
          4,
        );
        // The gauge is read at the worker's next poll.
        await until(
          'the queue empty',
          async () => sample(await scrape(h.url), 'omnikit_webhook_deliveries_pending') === 0,
        );
      } finally {
        await h.close();
      }
    });

    it('a receiver that answers 2xx gets each event exactly once, re-sent batches included', async () => {
      await start([crm()]);
      try {
        const batches = Array.from({ length: 5 }, () => Array.from({ length: 20 }, () => trackEvent()));
        await Promise.all(batches.map((batch) => send(h, batch)));
        // A client re-sends what it already sent (at least once): duplicates queue nothing.
        await send(h, batches[0]);
        await send(h, [...batches[1], batches[1][0]]);
        const ids = batches.flat().map((event) => event.messageId as string);
        await until('every event delivered', () => receiver.delivered().length >= ids.length);
        // Give a second delivery of anything the time to show up.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(receiver.delivered().sort(), [...ids].sort());
        assert.equal(receiver.received.length, ids.length, 'no attempt beyond one each');
        assert.equal((await deliveries(h, '?status=delivered&limit=500')).length, ids.length);
      } finally {
        await h.close();
      }
    });

    it('sends each webhook only the events its filters name: event names, types, consent', async () => {
      receiver.received.length = 0;
      other.received.length = 0;
      await start([
        { ...crm(), events: ['Order Completed'] },
        {
          name: 'automation',
          url: other.url,
          secret: OTHER_SECRET,
          types: ['track', 'identify'],
          categories: ['marketing'],
        },
      ]);
      try {
        const granted = { consent: { categoryPreferences: { marketing: true } } };
        const order = trackEvent({ event: 'Order Completed', context: granted });
        const added = trackEvent({ context: granted });
        const orderWithoutConsent = trackEvent({ event: 'Order Completed' });
        const identify: Record<string, unknown> = {
          ...trackEvent({ context: granted }),
          type: 'identify',
          event: undefined,
          userId: 'ada',
        };
        const page: Record<string, unknown> = {
          ...trackEvent({ context: granted }),
          type: 'page',
          event: undefined,
        };
        await send(h, [order, added, orderWithoutConsent, identify, page]);
        await until(
          'the deliveries',
          () => receiver.delivered().length === 2 && other.delivered().length === 3,
        );
        assert.deepEqual(
          receiver.delivered().sort(),
          [order.messageId, orderWithoutConsent.messageId].sort(),
        );
        assert.deepEqual(
          other.delivered().sort(),
          [order.messageId, added.messageId, identify.messageId].sort(),
        );
        for (const request of other.received) assert.ok(signedBy(request, OTHER_SECRET, h.clock.now));
        assert.deepEqual(
          (await deliveries(h, '?webhook=automation')).map((d) => d.messageId).sort(),
          other.delivered().sort(),
        );
      } finally {
        await h.close();
      }
    });

    it('retries with backoff for the whole horizon, then marks the delivery failed; a retry sends it again', async () => {
      // The default backoff: 10 s after the first failure, doubling up to an hour.
      await start([crm()], { firstRetryMs: 10_000, maxRetryMs: HOUR });
      try {
        receiver.mode = 'fail';
        const event = trackEvent();
        await send(h, [event]);
        const queuedAt = h.clock.now;
        await until('the first attempt', () => receiver.received.length === 1);
        let previousAttempt = queuedAt;
        for (let attempts = 1; ; attempts++) {
          await until(`attempt ${attempts} recorded`, async () => {
            const [delivery] = await deliveries(h);
            const next = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : null;
            return (
              delivery.attempts === attempts && (delivery.status === 'failed' || (next ?? 0) > h.clock.now)
            );
          });
          const [delivery] = await deliveries(h);
          if (delivery.status === 'failed') {
            // Given up only by an attempt at or after the horizon: it was retried at least that long.
            assert.ok(previousAttempt >= queuedAt + 24 * HOUR, 'retried for 24 hours');
            assert.match(delivery.lastError ?? '', /^HTTP 500: receiver is failing/);
            assert.equal(delivery.nextAttemptAt, null);
            break;
          }
          assert.equal(delivery.status, 'pending');
          const delay = Date.parse(delivery.nextAttemptAt!) - h.clock.now;
          const full = Math.min(10_000 * 2 ** (attempts - 1), HOUR);
          assert.ok(delay >= full / 2 && delay <= full, `backoff ${delay} ms after ${attempts} attempts`);
          // 9 doublings to the hour, then 30-60 minutes apart for the rest of the day: at most ~58.
          assert.ok(attempts < 60, 'gives up after the horizon, not later');
          h.clock.now = Date.parse(delivery.nextAttemptAt!);
          previousAttempt = h.clock.now;
          await until(`attempt ${attempts + 1}`, () => receiver.received.length === attempts + 1);
        }
        const [failed] = await deliveries(h, '?status=failed');
        receiver.mode = 'ok';
        const retry = await call(h, 'POST', `/v1/webhooks/deliveries/${failed.id}/retry`);
        assert.equal(retry.status, 202);
        await until('delivered after the retry', () => receiver.delivered().length === 1);
        assert.equal((await deliveries(h, '?status=delivered'))[0].messageId, event.messageId);
      } finally {
        await h.close();
      }
    });

    it('erasing a customer removes their deliveries, so nothing of theirs is sent afterwards', async () => {
      await start([crm()]);
      try {
        receiver.mode = 'fail';
        const theirs = [
          trackEvent({ userId: 'grace' }),
          trackEvent({ userId: 'grace', anonymousId: 'anon-grace' }),
        ];
        const fromServer = trackEvent({ userId: 'grace' });
        const someoneElse = trackEvent({ userId: 'alan', anonymousId: 'anon-alan' });
        await send(h, [...theirs, someoneElse]);
        await send(h, [fromServer], true);
        await recorded(h, 4, /^HTTP 500/);
        const erased = await call(h, 'DELETE', '/v1/profiles/grace');
        assert.equal(erased.status, 200);
        // The receipt counts them: grace's two events from the page and the one from the server.
        assert.equal((erased.body as { removed: { deliveries: number } }).removed.deliveries, 3);
        assert.deepEqual(
          (await deliveries(h)).map((d) => d.messageId),
          [someoneElse.messageId],
        );
        const rows = await h.database.rows('webhook_deliveries');
        assert.deepEqual(
          rows.map((row) => row.message_id),
          [someoneElse.messageId],
        );
        receiver.mode = 'ok';
        pastBackoff(h);
        await until('the one left delivered', () => receiver.delivered().length === 1);
        assert.deepEqual(receiver.delivered(), [someoneElse.messageId]);
      } finally {
        await h.close();
      }
    });

    it('stores an event and its deliveries together, or neither: a client re-sends what failed', async () => {
      await start([crm()]);
      try {
        const event = trackEvent();
        await refusingInserts(h.database, 'webhook_deliveries', async () => {
          const response = await postJson(`${h.url}/v1/batch`, { batch: [event] });
          assert.equal(response.status, 500);
        });
        assert.deepEqual(await h.database.rows('events'), [], 'no event without its delivery');
        await send(h, [event]);
        await until('delivered once stored', () => receiver.delivered().length === 1);
        assert.deepEqual(receiver.delivered(), [event.messageId]);
      } finally {
        await h.close();
      }
    });

    it('claims a delivery for one worker at a time: a lease, and an outcome only while it holds', async () => {
      // The test claims through the store, at an hour past the server's clock: the server's own
      // worker never finds these deliveries due.
      h = await startServer({ sites: sitesWith([crm()]), webhooks: { pollMs: 3_600_000 } });
      try {
        const at = h.clock.now + HOUR;
        await h.store.insertEvents('shop', [trackEvent(), trackEvent()], {
          webhooks: { webhooks: [['crm'], ['crm']], at, retryUntil: at + HOUR },
        });
        const [one, two] = await Promise.all([
          h.store.claimDeliveries(at, MINUTE, 1),
          h.store.claimDeliveries(at, MINUTE, 5),
        ]);
        assert.equal(one.length + two.length, 2, 'each row to one claim');
        assert.deepEqual(await h.store.claimDeliveries(at + MINUTE - 1, MINUTE, 5), [], 'held while leased');
        const [first] = [...one, ...two];
        assert.ok(first.body, 'with its event');
        // The lease ran out (a process died mid-attempt): another claim takes the rows over.
        const again = await h.store.claimDeliveries(at + MINUTE, MINUTE, 5);
        assert.equal(again.length, 2);
        assert.ok(again.every((delivery) => delivery.attempts === 2));
        const late = { status: 'delivered' as const, at: at + MINUTE };
        assert.equal(
          await h.store.recordAttempt(first.id, first.lease, late),
          false,
          'an expired claim records nothing',
        );
        const current = again.find((delivery) => delivery.id === first.id)!;
        assert.equal(await h.store.recordAttempt(current.id, current.lease, late), true);
        assert.equal((await deliveries(h, '?status=delivered'))[0].id, first.id);
      } finally {
        await h.close();
      }
    });

    it('bounds each attempt: a receiver that never answers times out, an endless answer is cut; Retry-After is heeded', async () => {
      await start([crm()], { timeoutMs: 3000, leaseMs: 10_000 });
      try {
        receiver.mode = 'ok';
        receiver.delayMs = 5000;
        await send(h, [trackEvent()]);
        await recorded(h, 1, /^timeout after 3000 ms$/);
        receiver.delayMs = 0;
        receiver.mode = 'endless';
        pastBackoff(h);
        const started = Date.now();
        await recorded(h, 1, /^HTTP 500: an endless answer/);
        // Read up to 4 KB, not until the timeout: the receiver would never have stopped.
        assert.ok(Date.now() - started < 2500, `recorded after ${Date.now() - started} ms`);
        assert.ok(((await deliveries(h))[0].lastError ?? '').length <= 'HTTP 500: '.length + 200);
        // A receiver asking to wait (429 + Retry-After: 30) is given that long, not the backoff's few seconds.
        receiver.mode = 'busy';
        pastBackoff(h);
        await recorded(h, 1, /^HTTP 429$/);
        const [busy] = await deliveries(h);
        assert.equal(Date.parse(busy.nextAttemptAt!) - h.clock.now, 30_000);
        receiver.mode = 'ok';
        h.clock.now += 30_000;
        await until('delivered', async () => (await deliveries(h, '?status=delivered')).length === 1);
      } finally {
        receiver.delayMs = 0;
        await h.close();
      }
    });

    it('housekeeping prunes delivered deliveries after 7 days, failed ones after 30, never pending ones', async () => {
      await start([crm()], { retryForMs: HOUR });
      try {
        const delivered = trackEvent();
        await send(h, [delivered]);
        await until('delivered', async () => (await deliveries(h, '?status=delivered')).length === 1);
        const deliveredAt = h.clock.now;
        receiver.mode = 'fail';
        const failing = trackEvent();
        await send(h, [failing]);
        await until('attempted', async () => (await deliveries(h, '?status=pending'))[0]?.lastError !== null);
        h.clock.now += HOUR;
        await until('failed', async () => (await deliveries(h, '?status=failed')).length === 1);
        const failedAt = h.clock.now;
        // Pending, and not due before the test ends.
        const pending = trackEvent();
        const later = h.clock.now + 100 * 24 * HOUR;
        await h.store.insertEvents('shop', [pending], {
          webhooks: { webhooks: [['crm']], at: later, retryUntil: later },
        });

        const messageIds = async () =>
          (await h.database.rows('webhook_deliveries')).map((row) => row.message_id);
        // Housekeeping runs when the server starts: a restart, days later on its clock.
        h.clock.now = deliveredAt + 7 * 24 * HOUR;
        await h.restart();
        assert.equal((await messageIds()).length, 3, 'kept 7 days');
        h.clock.now += 1;
        await h.restart();
        assert.deepEqual((await messageIds()).sort(), [failing.messageId, pending.messageId].sort());
        h.clock.now = failedAt + 30 * 24 * HOUR + 1;
        await h.restart();
        assert.deepEqual(await messageIds(), [pending.messageId], 'a failed one kept 30 days');
      } finally {
        await h.close();
      }
    });

    it('lists deliveries with the server key only, by status and page, and refuses a bad query', async () => {
      await start([crm()]);
      try {
        receiver.mode = 'fail';
        const events = Array.from({ length: 5 }, () => trackEvent());
        await send(h, events);
        await recorded(h, 5, /^HTTP 500/);
        const listed = await deliveries(h, '?status=pending');
        assert.equal(listed.length, 5);
        assert.deepEqual(
          listed.map((d) => d.messageId),
          events.map((e) => e.messageId).reverse(),
          'newest first',
        );
        for (const d of listed) {
          assert.equal(d.attempts, 1);
          assert.match(d.lastError ?? '', /^HTTP 500/);
          assert.ok(d.nextAttemptAt && Date.parse(d.nextAttemptAt) > h.clock.now);
        }
        assert.deepEqual(await deliveries(h, '?status=delivered'), []);
        const first = await call(h, 'GET', '/v1/webhooks/deliveries?limit=2');
        const page = first.body as { deliveries: Delivery[]; next: string };
        assert.equal(page.deliveries.length, 2);
        const rest = await deliveries(h, `?before=${page.next}`);
        assert.deepEqual(
          [...page.deliveries, ...rest].map((d) => d.id),
          listed.map((d) => d.id),
        );
        for (const query of ['?status=done', '?limit=0', '?limit=501', '?before=x']) {
          const refused = await call(h, 'GET', `/v1/webhooks/deliveries${query}`);
          assert.equal(refused.status, 400, query);
        }
        assert.equal((await call(h, 'GET', '/v1/webhooks/deliveries', null)).status, 401);
        const unknown = await call(h, 'POST', '/v1/webhooks/deliveries/999999/retry');
        assert.equal(unknown.status, 404);
      } finally {
        await h.close();
      }
    });
  });
}

webhookCases('SQLite', sqliteDatabase);
webhookCases('PostgreSQL', () => cluster.database());
