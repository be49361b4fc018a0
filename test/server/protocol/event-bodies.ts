// What the analytics clients people already run put in one request, on every store: RudderStack's
// largest batch (512 KiB counted in characters, not bytes), events as large as RudderStack lets them
// be, and compressed bodies (Segment's HTTP API and PostHog accept gzip). Anything past the limits is
// refused with a clear 4xx after bounded work, a decompression bomb included.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  basicAuth,
  type ErrorBody,
  type Harness,
  type IngestBody,
  SHOP_ORIGIN,
  startServer,
} from '../helpers.ts';

/** RudderStack's default (and largest) batch: 512 KiB, counted as `payload.length` (UTF-16 code units). */
const RUDDERSTACK_BATCH_CHARS = 512 * 1024;
/** RudderStack warns past this many characters of one event's JSON (and sends it all the same). */
const RUDDERSTACK_EVENT_CHARS = 32 * 1024;
/** The ingest routes' body limit: RudderStack's batch when every character takes 3 bytes of UTF-8. */
const INGEST_BODY_BYTES = 3 * RUDDERSTACK_BATCH_CHARS;

// Shaped like RudderStack JS SDK v3's output (xhrQueue plugin).
function rudderTrack(text: string): Record<string, unknown> {
  return {
    channel: 'web',
    type: 'track',
    event: 'Product Viewed',
    messageId: randomUUID(),
    anonymousId: 'b8a3f0e2-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    originalTimestamp: '2026-03-04T05:06:07.890Z',
    sentAt: '2026-03-04T05:06:08.000Z',
    integrations: { All: true },
    properties: { sku: 'SKU-1', description: text },
    context: { library: { name: 'RudderLabs JavaScript SDK', version: '3.34.0' }, locale: 'zh-CN' },
  };
}

/** A track event whose JSON is exactly `chars` characters long, its text all CJK (3 bytes each in UTF-8). */
function rudderTrackOfLength(chars: number): Record<string, unknown> {
  const overhead = JSON.stringify(rudderTrack('')).length;
  return rudderTrack('商'.repeat(chars - overhead));
}

/** RudderStack's batch payload `{batch, sentAt}` as it sends it, `chars` characters long. */
function rudderBatchOfLength(chars: number): string {
  const batch: Record<string, unknown>[] = [];
  const sentAt = '2026-03-04T05:06:08.000Z';
  const length = () => JSON.stringify({ batch, sentAt }).length;
  // Events as large as RudderStack sends without a warning, then one that fills up to `chars`.
  while (length() + RUDDERSTACK_EVENT_CHARS + 1 <= chars)
    batch.push(rudderTrackOfLength(RUDDERSTACK_EVENT_CHARS));
  const rest = chars - length() - (batch.length ? 1 : 0);
  batch.push(rudderTrackOfLength(rest));
  const payload = JSON.stringify({ batch, sentAt });
  assert.equal(payload.length, chars);
  return payload;
}

describe('event request bodies real clients send', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.faults.clear();
    await h.store.reset();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json;charset=UTF-8',
        Authorization: basicAuth('shop-key'),
        Origin: SHOP_ORIGIN,
        ...headers,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const errorCode = async (res: Response) => ((await res.json()) as ErrorBody).error.code;
  const storedIds = async () => (await h.store.listEvents('shop')).map((e) => e.messageId);

  describe('sizes', () => {
    it("stores RudderStack's largest batch: just under 512 Ki characters of CJK text (1.5 MB of UTF-8)", async () => {
      const payload = rudderBatchOfLength(RUDDERSTACK_BATCH_CHARS - 1);
      const sent = JSON.parse(payload) as { batch: Record<string, unknown>[] };
      assert.ok(Buffer.byteLength(payload) > 1_500_000, 'the test sends what it says');

      const res = await post('/v1/batch', payload, { AnonymousId: btoa(String(sent.batch[0].anonymousId)) });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(await res.json(), {
        ok: true,
        accepted: sent.batch.length,
        duplicates: 0,
        rejected: [],
        rejectedCount: 0,
      });
      const stored = await h.store.listEvents('shop');
      assert.deepEqual(
        stored.map((e) => e.body),
        sent.batch,
      );
    });

    it('counts the 32 KB event limit in characters, as RudderStack does, whatever the script', async () => {
      const atLimit = rudderTrackOfLength(RUDDERSTACK_EVENT_CHARS); // about 96 KB of UTF-8
      const over = rudderTrackOfLength(RUDDERSTACK_EVENT_CHARS + 1);
      const ascii = rudderTrack('x'.repeat(RUDDERSTACK_EVENT_CHARS)); // over in characters and bytes
      const res = await post('/v1/batch', JSON.stringify({ batch: [atLimit, over, ascii] }));
      const body = (await res.json()) as IngestBody;
      assert.equal(body.accepted, 1);
      assert.deepEqual(
        body.rejected.map((r) => [r.index, r.code]),
        [
          [1, 'event_too_large'],
          [2, 'event_too_large'],
        ],
      );
      assert.deepEqual(await storedIds(), [atLimit.messageId]);
    });

    it('refuses a body over the limit with 413 before storing anything; device routes keep theirs', async () => {
      const payload = rudderBatchOfLength(RUDDERSTACK_BATCH_CHARS - 1);
      const over = `${payload}${' '.repeat(INGEST_BODY_BYTES + 1 - Buffer.byteLength(payload))}`;
      const res = await post('/v1/batch', over);
      assert.equal(res.status, 413);
      assert.equal(await errorCode(res), 'payload_too_large');
      assert.deepEqual(await storedIds(), []);

      // Registering a device never needs more than a few hundred bytes.
      const device = await post(
        '/v1/devices',
        JSON.stringify({ writeKey: 'shop-key', x: 'x'.repeat(600_000) }),
      );
      assert.equal(device.status, 413);
    });
  });

  describe('Content-Encoding', () => {
    const batchOf = (...events: Record<string, unknown>[]) => JSON.stringify({ batch: events });

    it('stores gzip and deflate bodies on the batch and single-event routes', async () => {
      const [a, b, c, d, e] = [1, 2, 3, 4, 5].map(() => rudderTrack('café ☕'));
      const segmentBatch = JSON.stringify({
        batch: [b],
        writeKey: 'shop-key',
        sentAt: new Date().toISOString(),
      });
      const sends: [string, string, Buffer][] = [
        ['/v1/batch', 'gzip', gzipSync(batchOf(a))],
        ['/b', 'GZIP', gzipSync(segmentBatch)], // content codings are case-insensitive
        ['/v1/track', 'deflate', deflateSync(JSON.stringify(c))], // zlib-wrapped, as HTTP says
        ['/t', 'deflate', deflateRawSync(JSON.stringify(d))], // raw deflate, as some clients send it
        ['/v1/batch', 'x-gzip', gzipSync(batchOf(e))],
      ];
      for (const [path, encoding, body] of sends) {
        const res = await post(path, body, { 'Content-Encoding': encoding, 'Content-Type': 'text/plain' });
        assert.equal(res.status, 200, `${path} ${encoding}: ${await res.clone().text()}`);
        assert.equal(((await res.json()) as IngestBody).accepted, 1, `${path} ${encoding}`);
      }
      const stored = await h.store.listEvents('shop');
      assert.deepEqual(
        stored.map((event) => event.body),
        [a, b, c, d, e],
      );
    });

    it("stores RudderStack's largest batch gzipped: the decompressed size has the same limit", async () => {
      const payload = rudderBatchOfLength(RUDDERSTACK_BATCH_CHARS - 1);
      const res = await post('/v1/batch', gzipSync(payload), { 'Content-Encoding': 'gzip' });
      assert.equal(res.status, 200);
      assert.equal(
        (await h.store.listEvents('shop')).length,
        (JSON.parse(payload) as { batch: [] }).batch.length,
      );
    });

    it('answers 415 to any other encoding, and the routes that are not event routes take none', async () => {
      const body = gzipSync(batchOf(rudderTrack('x')));
      for (const encoding of ['br', 'compress', 'zstd', 'gzip, br', 'gzip, gzip']) {
        const res = await post('/v1/batch', body, { 'Content-Encoding': encoding });
        assert.equal(res.status, 415, encoding);
        assert.equal(await errorCode(res), 'unsupported_content_encoding', encoding);
        assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN, 'readable by the page');
      }
      const device = await post(
        '/v1/devices',
        gzipSync(JSON.stringify({ writeKey: 'shop-key', anonymousId: 'a' })),
        {
          'Content-Encoding': 'gzip',
        },
      );
      assert.equal(device.status, 415);
      assert.deepEqual(await storedIds(), []);
    });

    it('answers 400 to a corrupt or truncated compressed body, storing nothing', async () => {
      const whole = gzipSync(batchOf(rudderTrack('x'.repeat(2000))));
      const cases: [string, Buffer][] = [
        ['gzip', Buffer.from('this is not gzip at all')],
        ['gzip', whole.subarray(0, whole.length - 40)],
        ['gzip', Buffer.concat([whole.subarray(0, 20), Buffer.alloc(40, 0xff), whole.subarray(60)])],
        ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff])],
      ];
      for (const [encoding, body] of cases) {
        const res = await post('/v1/batch', body, { 'Content-Encoding': encoding });
        assert.equal(res.status, 400, `${encoding} ${body.length} bytes`);
        assert.equal(await errorCode(res), 'invalid_content_encoding');
        assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
      }
      // Decompressed fine but not JSON: the same 400 as a plain body.
      const notJson = await post('/v1/batch', gzipSync('{"batch": ['), { 'Content-Encoding': 'gzip' });
      assert.equal(await errorCode(notJson), 'invalid_json');
      assert.deepEqual(await storedIds(), []);
    });

    it('answers 413 to a decompression bomb after bounded work', async () => {
      // A few KB that inflate to 8 MB.
      const small = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '));
      assert.ok(small.length < 10_000);
      const res = await post('/v1/batch', small, { 'Content-Encoding': 'gzip' });
      assert.equal(res.status, 413);
      assert.equal(await errorCode(res), 'payload_too_large');

      // 1.3 MB (under the body limit) inflating to 1.25 GiB: inflating it all takes seconds (measured
      // 3.4 s here) and, kept in memory, more than a gigabyte; stopping at the limit takes milliseconds.
      const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '));
      const bomb = Buffer.concat(Array.from({ length: 20 }, () => member)); // gzip members, one after another
      assert.ok(bomb.length < INGEST_BODY_BYTES);
      const startedAt = performance.now();
      const big = await post('/v1/batch', bomb, { 'Content-Encoding': 'gzip' });
      const elapsed = performance.now() - startedAt;
      assert.equal(big.status, 413);
      assert.equal(await errorCode(big), 'payload_too_large');
      assert.ok(elapsed < 1000, `answered after ${Math.round(elapsed)} ms`);
      assert.deepEqual(await storedIds(), []);
    });
  });
});
