import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { basicAuth, type Harness, type IngestBody, postJson, SHOP_ORIGIN, startServer } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startServer();
});
after(() => h.close());
beforeEach(() => h.store.reset());

// Shaped like Segment analytics-next 1.84 output (batched dispatcher).
function segmentEvent(type: string, extra: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    timestamp: now,
    integrations: {},
    type,
    messageId: `ajs-next-${Date.now()}-${randomUUID()}`,
    anonymousId: '5c4f3c8e-2a4a-4b7e-9f43-6d2f1a0e7b11',
    userId: null,
    writeKey: 'shop-key',
    sentAt: now,
    _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
    context: {
      page: { path: '/cart', url: `${SHOP_ORIGIN}/cart`, title: 'Cart' },
      library: { name: 'analytics.js', version: 'npm:next-1.84.0' },
      userAgent: 'Mozilla/5.0',
      locale: 'en-US',
    },
    ...extra,
  };
}

describe('Segment analytics.js routes', () => {
  it('/b stores a text/plain batch with ajs-next messageIds (Basic auth + writeKey in body)', async () => {
    const batch = [
      segmentEvent('page', { name: 'Cart', properties: {} }),
      segmentEvent('track', { event: 'Checkout Started', properties: { total: 42 } }),
    ];
    const res = await postJson(
      `${h.url}/b`,
      { batch, writeKey: 'shop-key', sentAt: new Date().toISOString() },
      { headers: { Origin: SHOP_ORIGIN } },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.deepEqual(await res.json(), {
      ok: true,
      accepted: 2,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    });
    const stored = await h.store.listEvents('shop');
    assert.deepEqual(
      stored.map((e) => [e.messageId, e.type, e.event, e.userId]),
      [
        [batch[0].messageId, 'page', null, null],
        [batch[1].messageId, 'track', 'Checkout Started', null],
      ],
    );
    assert.match(stored[0].messageId, /^ajs-next-\d+-[0-9a-f-]{36}$/);
    assert.deepEqual(stored[1].body, batch[1]);

    // analytics.js replays its persisted queue on the next page load with the same messageIds.
    const replay = await postJson(`${h.url}/b`, { batch, writeKey: 'shop-key' }, { writeKey: null });
    assert.deepEqual(await replay.json(), {
      ok: true,
      accepted: 0,
      duplicates: 2,
      rejected: [],
      rejectedCount: 0,
    });
  });

  it('/t /i /p /g /a each store one event, the type from the path when missing', async () => {
    const cases = [
      ['/t', 'track', { event: 'Product Viewed' }],
      ['/i', 'identify', { userId: 'user-9', traits: { plan: 'pro' } }],
      ['/p', 'page', { name: 'Home' }],
      ['/g', 'group', { groupId: 'acme' }],
      ['/a', 'alias', { userId: 'user-9', previousId: 'anon' }],
    ] as const;
    for (const [path, type, extra] of cases) {
      const event = segmentEvent(type, extra);
      delete event.type;
      // Segment's standard dispatcher: text/plain, write key in the body only.
      const res = await postJson(`${h.url}${path}`, event, { writeKey: null });
      assert.equal(res.status, 200, path);
      assert.equal(((await res.json()) as IngestBody).accepted, 1, path);
      const [stored] = await h.store.listEvents('shop', { messageId: event.messageId as string });
      assert.equal(stored?.type, type, path);
      assert.equal(stored.body.type, type, path);
      assert.equal(stored.userId, 'userId' in extra ? extra.userId : null, path);
    }
    assert.equal((await h.store.listEvents('shop')).length, cases.length);
  });

  it('/s stores a screen event, and with apiHost `<host>/v1` every route works under /v1', async () => {
    // Segment's dispatcher posts each event to `${apiHost}/${type[0]}`: text/plain JSON, Basic auth and
    // the write key in the body. Users often write apiHost as `<host>/v1`, as Segment's own default is.
    const cases = [
      ['/s', 'screen', { name: 'Cart' }],
      ['/v1/t', 'track', { event: 'Product Viewed' }],
      ['/v1/i', 'identify', { userId: 'user-9', traits: { plan: 'pro' } }],
      ['/v1/p', 'page', { name: 'Home' }],
      ['/v1/g', 'group', { groupId: 'acme' }],
      ['/v1/a', 'alias', { userId: 'user-9', previousId: 'anon' }],
      ['/v1/s', 'screen', { name: 'Checkout' }],
    ] as const;
    for (const [path, type, extra] of cases) {
      const event = segmentEvent(type, extra);
      const res = await postJson(`${h.url}${path}`, event, { headers: { Origin: SHOP_ORIGIN } });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN, path);
      assert.equal(((await res.json()) as IngestBody).accepted, 1, path);
      const [stored] = await h.store.listEvents('shop', { messageId: event.messageId as string });
      assert.equal(stored?.type, type, path);
      assert.deepEqual(stored.body, event, path);
    }

    const batch = [segmentEvent('screen', { name: 'Home' }), segmentEvent('track', { event: 'Tapped' })];
    const res = await postJson(`${h.url}/v1/b`, {
      batch,
      writeKey: 'shop-key',
      sentAt: new Date().toISOString(),
    });
    assert.deepEqual(await res.json(), {
      ok: true,
      accepted: 2,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    });
    assert.equal((await h.store.listEvents('shop')).length, cases.length + 2);
  });

  it('/m and /v1/m (analytics.js metrics) are answered with CORS and ignored', async () => {
    h.server.resetStats();
    // RemoteMetrics posts `{series}` as text/plain, with no write key, to `${apiHost}/m`.
    const series = [
      {
        type: 'Counter',
        metric: 'analytics_js.invoke.track',
        value: 1,
        tags: { library: 'analytics.js', library_version: 'npm:next-1.84.0' },
      },
    ];
    for (const path of ['/m', '/v1/m']) {
      const res = await postJson(
        `${h.url}${path}`,
        { series },
        { writeKey: null, headers: { Origin: SHOP_ORIGIN } },
      );
      assert.ok(res.status >= 200 && res.status < 300, `${path}: ${res.status}`);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN, path);
      assert.match(res.headers.get('vary') ?? '', /Origin/);
    }
    assert.deepEqual(await h.store.listEvents('shop'), []);
    assert.equal(h.server.stats().received, 0);

    // Metrics are a few hundred bytes: a large body is not read to the end.
    const big = await postJson(`${h.url}/m`, { series: 'x'.repeat(200 * 1024) }, { writeKey: null });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  });

  it('a single-event route rejects an invalid event with the same per-event report', async () => {
    const res = await postJson(`${h.url}/t`, segmentEvent('track', {}));
    assert.equal(res.status, 200);
    const body = (await res.json()) as IngestBody;
    assert.equal(body.accepted, 0);
    assert.equal(body.rejected[0]?.code, 'missing_event_name');
  });
});

// Shaped like RudderStack JS SDK v3 output.
function rudderEvent(type: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    channel: 'web',
    type,
    messageId: randomUUID(),
    anonymousId: 'b8a3f0e2-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    originalTimestamp: '2026-03-04T05:06:07.890Z',
    sentAt: '2026-03-04T05:06:08.000Z',
    integrations: { All: true },
    context: { library: { name: 'RudderLabs JavaScript SDK', version: '3.34.0' }, locale: 'en-US' },
    ...extra,
  };
}

describe('RudderStack routes', () => {
  it('the sendBeacon batch (text/plain, ?writeKey=, no auth header) is stored as sent', async () => {
    const identify = rudderEvent('identify', {
      userId: 'user-42',
      context: { traits: { email: 'ada@example.com' }, library: { name: 'RudderLabs JavaScript SDK' } },
    });
    const track = rudderEvent('track', { event: 'Order Completed', properties: { revenue: 10 } });
    const res = await fetch(`${h.url}/beacon/v1/batch?writeKey=shop-key`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SHOP_ORIGIN },
      body: JSON.stringify({ batch: [identify, track], sentAt: '2026-03-04T05:06:08.000Z' }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as IngestBody).accepted, 2);
    const [storedIdentify, storedTrack] = await h.store.listEvents('shop');
    assert.equal(storedIdentify.userId, 'user-42');
    // Traits stay where RudderStack put them: only in context.traits.
    assert.deepEqual(storedIdentify.body, identify);
    assert.equal(storedIdentify.body.traits, undefined);
    assert.equal(storedTrack.event, 'Order Completed');
    assert.equal(storedTrack.timestamp, '2026-03-04T05:06:07.890Z', 'originalTimestamp is the client time');
  });

  it('/v1/track and /v1/identify take JSON with Basic auth and extra headers', async () => {
    const track = rudderEvent('track', { event: 'Cart Viewed' });
    delete track.type;
    const identify = rudderEvent('identify', { userId: 'user-1', context: { traits: { name: 'Ada' } } });
    for (const [path, event] of [
      ['/v1/track', track],
      ['/v1/identify', identify],
    ] as const) {
      const res = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json;charset=UTF-8',
          Authorization: basicAuth('shop-key'),
          AnonymousId: Buffer.from(String(event.anonymousId)).toString('base64'),
          SentAt: new Date().toISOString(),
        },
        body: JSON.stringify(event),
      });
      assert.equal(res.status, 200, path);
    }
    const stored = await h.store.listEvents('shop');
    assert.deepEqual(
      stored.map((e) => [e.type, e.event, e.userId]),
      [
        ['track', 'Cart Viewed', null],
        ['identify', null, 'user-1'],
      ],
    );
  });

  it('/v1/batch accepts a RudderStack batch', async () => {
    const res = await postJson(`${h.url}/v1/batch`, {
      batch: [rudderEvent('page', { name: 'Home' }), rudderEvent('screen', { name: 'Cart' })],
    });
    assert.equal(((await res.json()) as IngestBody).accepted, 2);
  });
});
