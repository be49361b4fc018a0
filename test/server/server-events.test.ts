// The server-side channel helper (omnikit/server) against the real server: Bearer server key on
// /v1/batch, the browser envelope, retries, idempotent message ids, one timeline per user.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createServerEvents, type ServerEventsConfig } from '../../src/server-events.ts';
import { type Harness, postJson, SITES, startServer, trackEvent } from './helpers.ts';

const SERVER_KEY = 'shop-server-key-for-tests-2e94b7c10d5a8f63';
let h: Harness;
before(async () => {
  h = await startServer({ sites: [{ ...SITES[0], serverKey: SERVER_KEY }, SITES[1]] });
});
after(() => h.close());
beforeEach(async () => {
  await h.store.reset();
  h.server.faults.clear();
  h.server.resetStats();
});

function helper(options: Partial<ServerEventsConfig> = {}) {
  const errors: string[] = [];
  const events = createServerEvents({
    endpoint: `${h.url}/`,
    serverKey: SERVER_KEY,
    channel: 'call_center',
    onError: (e) => errors.push(e.message),
    ...options,
  });
  return { events, errors };
}

describe('createServerEvents', () => {
  it('sends the envelope with the server key; the events join the web events of the same user', async () => {
    await postJson(`${h.url}/v1/batch`, { batch: [trackEvent({ userId: 'u-9', event: 'Product Viewed' })] });
    const { events, errors } = helper();
    const id = events.track(
      { userId: 'u-9' },
      'Order Completed',
      { order_id: 'o-9' },
      { timestamp: '2026-03-01T10:00:00Z' },
    );
    events.identify({ userId: 'u-9', anonymousId: 'a-9' }, { plan: 'pro' });
    await events.flush();
    assert.deepEqual(errors, []);

    const timeline = await h.store.listEvents('shop', { userId: 'u-9' });
    assert.deepEqual(
      timeline.map((e) => e.event ?? e.type),
      ['Product Viewed', 'Order Completed', 'identify'],
    );
    const stored = timeline[1];
    assert.equal(stored.messageId, id);
    assert.equal(stored.timestamp, '2026-03-01T10:00:00.000Z');
    const { sentAt, ...body } = stored.body;
    assert.ok(Date.parse(sentAt as string) > 0);
    assert.deepEqual(body, {
      type: 'track',
      messageId: id,
      anonymousId: null,
      userId: 'u-9',
      timestamp: '2026-03-01T10:00:00.000Z',
      event: 'Order Completed',
      properties: { order_id: 'o-9' },
      context: { channel: 'call_center', library: { name: 'omnikit', version: 'dev' } },
    });
    assert.equal(timeline[2].anonymousId, 'a-9');
  });

  it('retries a 503 (after Retry-After) and a caller messageId makes a re-send harmless', async () => {
    h.server.faults.fail(2, 503, { 'Retry-After': '0' }, { path: '/v1/batch' });
    const { events, errors } = helper({ flushInterval: 0 });
    events.track({ userId: 'u-1' }, 'Order Completed', { order_id: 'o-1' }, { messageId: 'pos-receipt-1' });
    events.track({ userId: 'u-1' }, 'Order Completed', { order_id: 'o-1' }, { messageId: 'pos-receipt-1' });
    await events.flush();
    assert.deepEqual(errors, []);
    assert.equal(h.server.stats().byStatus['503'], 2);
    assert.equal((await h.store.listEvents('shop', { userId: 'u-1' })).length, 1);
  });

  it('waits as long as a Retry-After given as an HTTP date asks', async () => {
    // An HTTP date has whole seconds: two seconds ahead is at least one second away.
    const retryAt = new Date(Date.now() + 2000).toUTCString();
    h.server.faults.fail(1, 503, { 'Retry-After': retryAt }, { path: '/v1/batch' });
    const { events, errors } = helper({ flushInterval: 0 });
    events.track({ userId: 'u-3' }, 'Order Completed');
    const started = Date.now();
    await events.flush();
    assert.ok(Date.now() - started >= 1000, `retried after ${Date.now() - started} ms`);
    assert.deepEqual(errors, []);
    assert.equal(h.server.stats().byStatus['503'], 1);
    assert.equal((await h.store.listEvents('shop', { userId: 'u-3' })).length, 1);
  });

  it('gives up after maxRetries and on a 4xx, through onError', async () => {
    h.server.faults.fail(3, 500, {}, { path: '/v1/batch' });
    const { events, errors } = helper({ maxRetries: 1 });
    events.track({ userId: 'u-2' }, 'Order Completed');
    await events.flush();
    assert.deepEqual(errors, ['HTTP 500 after 2 tries']);

    h.server.faults.clear();
    const wrong = helper({ serverKey: 'wrong-key-0123456789' });
    wrong.events.track({ userId: 'u-2' }, 'Order Completed');
    await wrong.events.flush();
    assert.match(wrong.errors[0], /^HTTP 401: .*invalid_server_key/);
    assert.equal((await h.store.listEvents('shop')).length, 0);
  });

  it('sends on its own once flushAt events wait, and reports events the server rejects', async () => {
    const { events, errors } = helper({ flushAt: 2, flushInterval: 0 });
    events.track({ userId: 'u-3' }, 'A Event');
    events.track({ userId: 'u-3' }, '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await h.store.listEvents('shop')).length, 1);
    assert.match(errors[0], /rejected missing_event_name/);
    assert.throws(() => events.track({} as never, 'X'), /a userId or an anonymousId is needed/);
  });

  it('records an order and a loyalty balance for a customer, retried through a 503, refused clearly', async () => {
    const { events } = helper({ maxRetries: 2 });
    h.server.faults.fail(1, 503, { 'Retry-After': '0' }, { path: '/v1/profiles/u-9/orders' });
    const order = await events.order('u-9', {
      id: 'r-981',
      status: 'completed',
      items: [{ name: 'Tee', quantity: 1, price: 19.9 }],
      total: 19.9,
      currency: 'EUR',
      channel: 'store',
    });
    assert.equal(order.status, 'completed');
    assert.equal(typeof order.updatedAt, 'string');
    const balance = await events.loyalty('u-9', { points: 42, tier: 'silver' });
    assert.equal(balance.points, 42);
    // What the customer's first device finds when it signs in.
    const profileId = await h.store.userProfile('shop', 'u-9');
    const kept = await h.store.liveRecords('shop', profileId, 'orders');
    assert.deepEqual(
      kept.map((r) => [r.key, (r.value as { status: string }).status]),
      [['r-981', 'completed']],
    );
    await assert.rejects(
      events.order('u-9', { id: 'r-982', status: 'lost' as 'paid' }),
      /HTTP 400: .*invalid_order/,
    );
    const { link } = await events.resumeLink('u-9', { ttlHours: 24 });
    assert.match(link, /#omnikit-resume=[\w-]+\.[\w-]+$/);
    await assert.rejects(
      events.resumeLink('u-9', { url: 'https://elsewhere.example/' }),
      /invalid_resume_link/,
    );
  });
});
