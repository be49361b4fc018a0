import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MAX_EVENT_REQUEST_BYTES } from '../../src/protocol/index.ts';
import {
  basicAuth,
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  startServer,
  trackEvent,
} from './helpers.ts';

let h: Harness;
let batchUrl: string;
before(async () => {
  h = await startServer();
  batchUrl = `${h.url}/v1/batch`;
});
after(() => h.close());
beforeEach(async () => {
  await h.store.reset();
  h.server.resetStats();
});

describe('GET /health', () => {
  it('answers ok', async () => {
    const res = await fetch(`${h.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
  });
});

describe('POST /v1/batch', () => {
  it('stores a batch, readable through the store with receivedAt and the body as sent', async () => {
    const events = [trackEvent(), trackEvent({ type: 'identify', userId: 'user-7', event: undefined })];
    const before = Date.now();
    const res = await postJson(batchUrl, { batch: events, sentAt: new Date().toISOString() });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      ok: true,
      accepted: 2,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    });

    const stored = await h.store.listEvents('shop');
    assert.deepEqual(
      stored.map((e) => [e.messageId, e.type, e.userId]),
      [
        [events[0].messageId, 'track', null],
        [events[1].messageId, 'identify', 'user-7'],
      ],
    );
    assert.deepEqual(stored[0].body, events[0]);
    assert.ok(Date.parse(stored[0].receivedAt) >= before - 1000);
    assert.deepEqual(await h.store.listEvents('blog'), [], 'stored under the site of the write key');
  });

  it('deduplicates on messageId across requests and counts it in stats', async () => {
    const event = trackEvent();
    const first = (await (await postJson(batchUrl, { batch: [event] })).json()) as IngestBody;
    assert.equal(h.server.stats().duplicates, 0, 'no duplicate when nothing was re-sent');
    const again = (await (await postJson(batchUrl, { batch: [event, trackEvent()] })).json()) as IngestBody;
    assert.deepEqual([first.accepted, first.duplicates], [1, 0]);
    assert.deepEqual([again.accepted, again.duplicates], [1, 1]);
    assert.equal((await h.store.listEvents('shop')).length, 2);
    assert.deepEqual(h.server.stats(), {
      requests: 2,
      received: 3,
      inserted: 2,
      duplicates: 1,
      suppressed: 0,
      byStatus: { '200': 2 },
      syncRequests: 0,
      streamsOpened: 0,
      streamsOpen: 0,
    });
  });

  it('takes the write key from the body (text/plain, no auth header)', async () => {
    const res = await postJson(batchUrl, { writeKey: 'blog-key', batch: [trackEvent()] }, { writeKey: null });
    assert.equal(res.status, 200);
    assert.equal((await h.store.listEvents('blog')).length, 1);
  });

  it('takes the write key from Basic auth with application/json', async () => {
    const res = await fetch(batchUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basicAuth('blog-key') },
      body: JSON.stringify({ batch: [trackEvent()] }),
    });
    assert.equal(res.status, 200);
    assert.equal((await h.store.listEvents('blog')).length, 1);
  });

  it('takes the write key from ?writeKey=', async () => {
    const res = await postJson(
      `${batchUrl}?writeKey=blog-key`,
      { batch: [trackEvent()] },
      { writeKey: null },
    );
    assert.equal(res.status, 200);
    assert.equal((await h.store.listEvents('blog')).length, 1);
  });

  it('answers 401 for a missing or unknown write key, storing nothing', async () => {
    const missing = await postJson(batchUrl, { batch: [trackEvent()] }, { writeKey: null });
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'missing_write_key');
    const unknown = await postJson(batchUrl, { batch: [trackEvent()] }, { writeKey: 'nope' });
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as ErrorBody).error.code, 'invalid_write_key');
    assert.equal((await h.store.listEvents('shop')).length, 0);
    assert.deepEqual(h.server.stats().byStatus, { '401': 2 });
  });

  it('answers 400 with a clear message for malformed JSON or a non-array batch', async () => {
    const malformed = await postJson(batchUrl, '{"batch": [');
    assert.equal(malformed.status, 400);
    const malformedBody = (await malformed.json()) as ErrorBody;
    assert.equal(malformedBody.error.code, 'invalid_json');
    assert.match(malformedBody.error.message, /not valid JSON/);

    const notArray = await postJson(batchUrl, { batch: { type: 'track' } });
    assert.equal(notArray.status, 400);
    const notArrayBody = (await notArray.json()) as ErrorBody;
    assert.equal(notArrayBody.error.code, 'invalid_batch');
    assert.match(notArrayBody.error.message, /"batch" an array/);
  });

  it('answers 413 when Content-Length says the body is over the limit (1.5 MiB)', async () => {
    const blob = 'x'.repeat(MAX_EVENT_REQUEST_BYTES);
    const big = JSON.stringify({ batch: [trackEvent({ properties: { blob } })] });
    const res = await postJson(batchUrl, big);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'payload_too_large');
    assert.equal((await h.store.listEvents('shop')).length, 0);
  });

  it('answers 413 for a chunked body (no Content-Length) once the real bytes pass the limit', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        batchUrl,
        { method: 'POST', headers: { 'Content-Type': 'text/plain', Authorization: basicAuth('shop-key') } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write('{"batch":[{"type":"track","x":"');
      for (let i = 0; i <= MAX_EVENT_REQUEST_BYTES / (50 * 1024); i++) req.write('y'.repeat(50 * 1024));
      req.end('"}]}');
    });
    assert.equal(status, 413);
    assert.equal((JSON.parse(body) as ErrorBody).error.code, 'payload_too_large');
  });

  it('rejects bad events one by one and stores the good ones of the same batch', async () => {
    const good = [trackEvent(), trackEvent({ type: 'page', event: undefined, name: 'Home' })];
    const wrongType = trackEvent({ type: 'purchase' });
    const batch = [
      good[0],
      'not an object',
      wrongType,
      trackEvent({ messageId: '' }),
      trackEvent({ messageId: 'm'.repeat(101) }),
      trackEvent({ messageId: 'no-identity', anonymousId: undefined }),
      trackEvent({ messageId: 'no-name', event: undefined }),
      trackEvent({ messageId: 'bad-time', timestamp: 'yesterday' }),
      good[1],
    ];
    const res = await postJson(batchUrl, { batch });
    assert.equal(res.status, 200);
    const body = (await res.json()) as IngestBody;
    assert.equal(body.accepted, 2);
    assert.deepEqual(
      body.rejected.map((r) => [r.index, r.code]),
      [
        [1, 'invalid_event'],
        [2, 'invalid_type'],
        [3, 'invalid_message_id'],
        [4, 'invalid_message_id'],
        [5, 'missing_identity'],
        [6, 'missing_event_name'],
        [7, 'invalid_timestamp'],
      ],
    );
    assert.deepEqual(
      body.rejected.map((r) => r.messageId),
      [null, wrongType.messageId, null, 'm'.repeat(101), 'no-identity', 'no-name', 'bad-time'],
    );
    assert.ok(body.rejected.every((r) => r.message.length > 0));
    assert.deepEqual(
      (await h.store.listEvents('shop')).map((e) => e.messageId),
      good.map((e) => e.messageId),
    );
  });

  it('rejects an event over 32 KB but accepts one just under', async () => {
    const small = trackEvent({ properties: { blob: 'x'.repeat(31 * 1024) } });
    const large = trackEvent({ properties: { blob: 'x'.repeat(33 * 1024) } });
    const body = (await (await postJson(batchUrl, { batch: [small, large] })).json()) as IngestBody;
    assert.equal(body.accepted, 1);
    assert.deepEqual(
      body.rejected.map((r) => [r.index, r.messageId, r.code]),
      [[1, large.messageId, 'event_too_large']],
    );
  });
});
