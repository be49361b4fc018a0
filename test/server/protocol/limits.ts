// Limits and quotas (protocol "Limits"): no client can exhaust the server, each limit answers 429 with
// Retry-After and a code naming it, each site has its own budget, and behind a trusted proxy each
// client its own. Small limits here so they are reached quickly; real HTTP, real database.
import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, request } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  BLOG_AGENT_KEY,
  BLOG_ORIGIN,
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SHOP_AGENT_KEY,
  SHOP_ORIGIN,
  SITES,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { agentApi } from './agent-client.ts';
import { api, hlc, register, SseReader, type SyncBody, type TestDevice, type WireRecord } from './client.ts';

const T = TEST_NOW;
/** The rate windows of these tests; the server's clock (pinned by the harness) steps past one. */
const WINDOW_MS = 60_000;

/** Checks a 429 as every limit answers it: the code, a Retry-After in whole seconds, readable cross-origin. */
async function assertLimited(res: Response, code: string, origin?: string): Promise<void> {
  const body = await res.text();
  assert.equal(res.status, 429, `expected 429 ${code}, got ${res.status} ${body.slice(0, 200)}`);
  assert.equal((JSON.parse(body) as ErrorBody).error.code, code);
  const retryAfter = res.headers.get('retry-after') ?? '';
  assert.match(retryAfter, /^[1-9]\d*$/, 'Retry-After in whole seconds');
  if (origin) {
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
  }
}

/** POST /v1/sync with a push, from `ip` when given (a trusted proxy's X-Forwarded-For). */
function syncRaw(url: string, device: TestDevice, push: WireRecord[] = [], ip?: string): Promise<Response> {
  return api(url, 'POST', '/v1/sync', {
    token: device.token,
    body: { push, cursor: '' },
    headers: ip ? { 'X-Forwarded-For': ip } : {},
  });
}

async function syncOk(url: string, device: TestDevice, push: WireRecord[] = []): Promise<SyncBody> {
  const res = await syncRaw(url, device, push);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as SyncBody;
}

const note = (key: string, chars: number, at = T): WireRecord => ({
  doc: 'note',
  key,
  value: 'x'.repeat(chars),
  hlc: hlc(at),
});
const cartLine = (key: string, qty: number, at = T): WireRecord => ({
  doc: 'cart',
  key,
  value: { qty },
  hlc: hlc(at),
});
/** Bytes a record counts for: its doc, key and JSON value, UTF-8. */
const bytesOf = (r: WireRecord) =>
  Buffer.byteLength(r.doc) + Buffer.byteLength(r.key) + Buffer.byteLength(JSON.stringify(r.value));

/** An open event stream, or the refusal. Built on node:http to read the stream as it comes. */
interface Opened {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  stream?: SseReader;
}
function openRaw(url: string, path: string, token: string, headers: Record<string, string> = {}) {
  return new Promise<Opened>((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status === 200)
        return resolve({ status, headers: res.headers, body: '', stream: new SseReader(res) });
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status, headers: res.headers, body }));
    });
    req.end();
  });
}
function assertStreamLimited(opened: Opened, code: string): void {
  assert.equal(opened.status, 429, opened.body);
  assert.equal((JSON.parse(opened.body) as ErrorBody).error.code, code);
  assert.match(String(opened.headers['retry-after']), /^[1-9]\d*$/);
}

describe('quotas per profile, and capped rejection lists', () => {
  let h: Harness;
  before(async () => {
    h = await startServer({
      limits: {
        recordsPerProfile: 6,
        bytesPerProfile: 4000,
        batchesPerIp: { limit: 3, windowMs: WINDOW_MS },
        registrations: { limit: 1000, windowMs: 60_000 },
      },
      // The blog is configured with quotas of its own.
      sites: [SITES[0], { ...SITES[1], limits: { recordsPerProfile: 50 } }],
    });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
  });

  const usage = (device: TestDevice, siteId = 'shop') => h.store.profileUsage(siteId, device.profileId);

  it('refuses a push that would take a profile past its records, storing nothing of it', async () => {
    const device = await register(h.url, 'records');
    const lines = ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => cartLine(key, 1));
    await syncOk(h.url, device, lines);
    assert.equal((await usage(device)).records, 6);

    // One new key too many: the whole push is refused, its update of `a` included.
    const refused = await syncRaw(h.url, device, [cartLine('a', 5, T + 1), cartLine('g', 1, T + 1)]);
    await assertLimited(refused, 'records_quota_exceeded');
    const pulled = await syncOk(h.url, device);
    assert.deepEqual(
      pulled.records.map((r) => [r.key, (r.value as { qty: number }).qty]),
      lines.map((r) => [r.key, 1]),
    );
    assert.equal((await usage(device)).records, 6);

    // What a device at its quota can still do: update its keys, remove them, and pull.
    await syncOk(h.url, device, [cartLine('a', 5, T + 2)]);
    const removed = await syncOk(h.url, device, [{ ...cartLine('b', 0, T + 3), value: null, deleted: true }]);
    assert.deepEqual(removed.rejected, []);
    // A removal keeps a tombstone (a record) until compaction: a new key still does not fit.
    await assertLimited(await syncRaw(h.url, device, [cartLine('h', 1, T + 4)]), 'records_quota_exceeded');
    // Another profile has its own quota.
    await syncOk(h.url, await register(h.url, 'other'), lines);
  });

  it('refuses a push that would take a profile past its bytes; shrinking and removing make room', async () => {
    const device = await register(h.url, 'bytes');
    const k1 = note('k1', 1000);
    const k2 = note('k2', 2000);
    await syncOk(h.url, device, [k1, k2]);
    assert.deepEqual(await usage(device), { records: 2, bytes: bytesOf(k1) + bytesOf(k2) });

    const k3 = note('k3', 1000);
    await assertLimited(await syncRaw(h.url, device, [cartLine('z', 1), k3]), 'bytes_quota_exceeded');
    assert.deepEqual(await usage(device), { records: 2, bytes: bytesOf(k1) + bytesOf(k2) });
    // Growing an existing key past the quota is growth too.
    await assertLimited(await syncRaw(h.url, device, [note('k2', 3000, T + 1)]), 'bytes_quota_exceeded');

    await syncOk(h.url, device, [note('k2', 10, T + 2)]);
    await syncOk(h.url, device, [k3]);
    const tombstone: WireRecord = { doc: 'note', key: 'k1', value: null, hlc: hlc(T + 3), deleted: true };
    await syncOk(h.url, device, [tombstone]);
    assert.deepEqual(await usage(device), {
      records: 3,
      bytes: bytesOf({ ...tombstone, value: null }) + bytesOf(note('k2', 10)) + bytesOf(k3),
    });
  });

  it('lets a profile already past its quota (merged at sign-in, a lowered quota) shrink but not grow', async () => {
    const device = await register(h.url, 'over');
    // Written by the server itself, which no quota holds back.
    await h.store.mergeRecords(
      'shop',
      device.profileId,
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((key) => ({ ...note(key, 100), deleted: false })),
    );
    assert.equal((await usage(device)).records, 8);
    await syncOk(h.url, device, [note('a', 50, T + 1)]);
    await syncOk(h.url, device, [note('b', 100, T + 1)]);
    await assertLimited(await syncRaw(h.url, device, [note('z', 1, T + 1)]), 'records_quota_exceeded');
  });

  it('never lets concurrent pushes take a profile past its quota together', async () => {
    const device = await register(h.url, 'racer');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        syncRaw(h.url, device, [cartLine(`p${i}a`, 1), cartLine(`p${i}b`, 1)]),
      ),
    );
    const statuses = answers.map((res) => res.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429]);
    assert.equal((await usage(device)).records, 6);
  });

  it("gives each site its own quota, from the site's own limits", async () => {
    const shopper = await register(h.url, 'shopper');
    const reader = await register(h.url, 'reader', 'blog-key');
    const many = Array.from({ length: 20 }, (_, i) => cartLine(`l${i}`, 1));
    await assertLimited(await syncRaw(h.url, shopper, many), 'records_quota_exceeded');
    await syncOk(h.url, reader, many);
    assert.equal((await usage(reader, 'blog')).records, 20);
  });

  it('lists at most the first 100 refused events, counts all of them, and stores the valid ones', async () => {
    const batch = [trackEvent(), ...Array.from({ length: 1000 }, () => ({})), trackEvent()];
    const res = await postJson(`${h.url}/v1/batch`, { batch });
    assert.equal(res.status, 200);
    const body = (await res.json()) as IngestBody & { rejectedCount: number };
    assert.equal(body.accepted, 2);
    assert.equal(body.rejectedCount, 1000);
    assert.equal(body.rejected.length, 100);
    assert.deepEqual(
      body.rejected.map((r) => r.index),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('answers a body full of invalid events in a few KB, whatever they hold', async () => {
    const entries = Array.from({ length: 160_000 }, () => '{}').join(',');
    const flood = await postJson(`${h.url}/v1/batch`, `{"batch":[${entries}]}`);
    assert.equal(flood.status, 200);
    const text = await flood.text();
    assert.ok(text.length < 32 * 1024, `answer of ${text.length} bytes`);
    assert.equal((JSON.parse(text) as { rejectedCount: number }).rejectedCount, 160_000);

    // Refused events that echo a long messageId or a long type back: the answer stays small.
    const long = Array.from({ length: 20 }, () => ({
      messageId: 'm'.repeat(10_000),
      type: 't'.repeat(10_000),
    }));
    const echoed = await postJson(`${h.url}/v1/batch`, { batch: long });
    const echoedText = await echoed.text();
    assert.equal(echoed.status, 200);
    assert.ok(echoedText.length < 20 * 1024, `answer of ${echoedText.length} bytes`);
  });

  it('lists at most the first 100 refused records of a push, counts all, and merges the valid ones', async () => {
    const device = await register(h.url, 'pusher');
    const push = [
      cartLine('ok', 1),
      ...Array.from({ length: 400 }, () => ({ doc: 'x' }) as unknown as WireRecord),
    ];
    const body = (await syncOk(h.url, device, push)) as SyncBody & { rejectedCount: number };
    assert.equal(body.rejected.length, 100);
    assert.equal(body.rejectedCount, 400);
    assert.deepEqual(
      body.records.map((r) => r.key),
      ['ok'],
    );
  });

  it('counts ingest requests per IP without believing X-Forwarded-For from a peer that is no trusted proxy', async () => {
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      const res = await postJson(
        `${h.url}/v1/batch`,
        { batch: [trackEvent()] },
        { headers: { 'X-Forwarded-For': ip } },
      );
      assert.equal(res.status, 200);
    }
    const res = await postJson(
      `${h.url}/v1/batch`,
      { batch: [trackEvent()] },
      { headers: { 'X-Forwarded-For': '203.0.113.4', Origin: SHOP_ORIGIN } },
    );
    await assertLimited(res, 'batch_rate_limited', SHOP_ORIGIN);
  });
});

describe('rate limits and open streams, behind a trusted proxy', () => {
  let h: Harness;
  const open: SseReader[] = [];
  before(async () => {
    h = await startServer({
      limits: {
        syncPerDevice: { limit: 5, windowMs: WINDOW_MS },
        syncPerIp: { limit: 8, windowMs: WINDOW_MS },
        batchesPerIp: { limit: 3, windowMs: WINDOW_MS },
        streamsPerDevice: 2,
        streamsPerIp: 3,
        agentStreamsPerKey: 2,
        agentKeyFailures: { limit: 3, windowMs: WINDOW_MS },
        registrations: { limit: 1000, windowMs: 60_000 },
      },
      // The test's own requests come from the loopback peer: a proxy here, so X-Forwarded-For counts.
      trustedProxies: ['127.0.0.1', '::1'],
    });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
  });
  afterEach(async () => {
    for (const stream of open.splice(0)) await stream.cancel();
  });

  const keep = (opened: Opened) => {
    assert.equal(opened.status, 200, opened.body);
    open.push(opened.stream as SseReader);
    return opened.stream as SseReader;
  };

  it('limits syncs per device, then allows them again once the window has passed', async () => {
    const phone = await register(h.url, 'phone');
    const laptop = await register(h.url, 'laptop');
    for (let i = 0; i < 5; i++) assert.equal((await syncRaw(h.url, phone, [], '198.51.100.1')).status, 200);
    await assertLimited(await syncRaw(h.url, phone, [], '198.51.100.1'), 'sync_rate_limited');
    assert.equal((await syncRaw(h.url, laptop, [], '198.51.100.1')).status, 200, 'another device');
    h.clock.now += WINDOW_MS;
    assert.equal((await syncRaw(h.url, phone, [], '198.51.100.1')).status, 200);
  });

  it('limits syncs per IP, across devices; another address has its own budget', async () => {
    const devices = await Promise.all(['a', 'b', 'c'].map((id) => register(h.url, id)));
    for (let i = 0; i < 8; i++) {
      assert.equal((await syncRaw(h.url, devices[i % 3], [], '198.51.100.2')).status, 200);
    }
    const fresh = await register(h.url, 'fresh');
    await assertLimited(await syncRaw(h.url, fresh, [], '198.51.100.2'), 'sync_rate_limited');
    assert.equal((await syncRaw(h.url, fresh, [], '198.51.100.3')).status, 200);
  });

  it('limits ingest requests per IP on every ingest route, each site with its own budget', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.4' };
    const ok = [
      await postJson(`${h.url}/v1/batch`, { batch: [trackEvent()] }, { headers: from }),
      await postJson(`${h.url}/t`, trackEvent(), { headers: from }),
      await postJson(`${h.url}/v1/track`, trackEvent(), { headers: from }),
    ];
    assert.deepEqual(
      ok.map((res) => res.status),
      [200, 200, 200],
    );
    await assertLimited(
      await postJson(`${h.url}/b`, { batch: [trackEvent()] }, { headers: from }),
      'batch_rate_limited',
    );
    const beacon = await postJson(
      `${h.url}/beacon/v1/batch?writeKey=shop-key`,
      { batch: [trackEvent()] },
      {
        writeKey: null,
        headers: from,
      },
    );
    await assertLimited(beacon, 'batch_rate_limited');
    // The blog's visitors on the same address are not the shop's.
    const blog = await postJson(
      `${h.url}/v1/batch`,
      { batch: [trackEvent()] },
      {
        writeKey: 'blog-key',
        headers: { ...from, Origin: BLOG_ORIGIN },
      },
    );
    assert.equal(blog.status, 200);
    h.clock.now += WINDOW_MS;
    assert.equal((await postJson(`${h.url}/b`, { batch: [trackEvent()] }, { headers: from })).status, 200);
    const stored = await h.store.listEvents('shop');
    assert.equal(stored.length, 4, 'a refused request stored nothing');
  });

  it('believes the right-most address a trusted proxy saw: prepended addresses do not dodge the limit', async () => {
    const post = (xff: string) =>
      postJson(`${h.url}/v1/batch`, { batch: [trackEvent()] }, { headers: { 'X-Forwarded-For': xff } });
    for (let i = 0; i < 3; i++) assert.equal((await post('203.0.113.50')).status, 200);
    await assertLimited(await post('192.0.2.99, 203.0.113.50'), 'batch_rate_limited');
    await assertLimited(await post('203.0.113.50, 127.0.0.1'), 'batch_rate_limited');
    assert.equal((await post('203.0.113.51')).status, 200);
  });

  it('buckets IPv6 clients by /64, and an IPv4-mapped address as the IPv4 one', async () => {
    const post = (xff: string) =>
      postJson(`${h.url}/v1/batch`, { batch: [trackEvent()] }, { headers: { 'X-Forwarded-For': xff } });
    for (const ip of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff::3']) {
      assert.equal((await post(ip)).status, 200);
    }
    await assertLimited(await post('2001:db8:5:6:1234::abcd'), 'batch_rate_limited');
    assert.equal((await post('2001:db8:5:7::1')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await post('203.0.113.60')).status, 200);
    await assertLimited(await post('::ffff:203.0.113.60'), 'batch_rate_limited');
  });

  it('limits open streams per device; a closed one frees its place', async () => {
    const phone = await register(h.url, 'phone');
    keep(await openRaw(h.url, '/v1/stream', phone.token));
    const second = keep(await openRaw(h.url, '/v1/stream', phone.token));
    assertStreamLimited(await openRaw(h.url, '/v1/stream', phone.token), 'too_many_streams');
    await second.cancel();
    // The server hears the client leave asynchronously.
    let again: Opened | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      again = await openRaw(h.url, '/v1/stream', phone.token);
      if (again.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    keep(again as Opened);
  });

  it('limits open streams per IP across devices; another address opens', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.7' };
    for (const id of ['a', 'b', 'c'])
      keep(await openRaw(h.url, '/v1/stream', (await register(h.url, id)).token, from));
    const fourth = await register(h.url, 'd');
    assertStreamLimited(await openRaw(h.url, '/v1/stream', fourth.token, from), 'too_many_streams');
    keep(await openRaw(h.url, '/v1/stream', fourth.token, { 'X-Forwarded-For': '198.51.100.8' }));
  });

  it("limits open agent streams per agent key; another site's key has its own", async () => {
    keep(await openRaw(h.url, '/v1/agent/stream', SHOP_AGENT_KEY));
    keep(await openRaw(h.url, '/v1/agent/stream', SHOP_AGENT_KEY));
    assertStreamLimited(await openRaw(h.url, '/v1/agent/stream', SHOP_AGENT_KEY), 'too_many_agent_streams');
    keep(await openRaw(h.url, '/v1/agent/stream', BLOG_AGENT_KEY));
  });

  it('locks an address out of the agent API after failed agent keys, the right key included, until the window passes', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.9' };
    const list = (key: string, headers = from) =>
      api(h.url, 'GET', '/v1/agent/conversations', { token: key, headers });
    for (let i = 0; i < 3; i++) assert.equal((await list(`wrong-agent-key-${i}-0123456789`)).status, 401);
    await assertLimited(await list(SHOP_AGENT_KEY), 'agent_key_locked');
    assertStreamLimited(await openRaw(h.url, '/v1/agent/stream', SHOP_AGENT_KEY, from), 'agent_key_locked');
    // Another address is not locked out by this one's failures.
    assert.equal((await list(SHOP_AGENT_KEY, { 'X-Forwarded-For': '198.51.100.10' })).status, 200);
    h.clock.now += WINDOW_MS;
    assert.equal((await list(SHOP_AGENT_KEY)).status, 200);
  });

  it('lets the right agent key through on a fresh window (only failures count)', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await agentApi(h.url, 'GET', '/v1/agent/conversations');
      assert.equal(res.status, 200);
    }
  });
});

describe('the default limits', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());

  it('stop one anonymous device from storing tens of MB (2,000 records of 16 KB)', async () => {
    const device = await register(h.url, 'hoarder');
    const value = 'v'.repeat(16 * 1024 - 2);
    let stored = 0;
    let refused: Response | undefined;
    for (let page = 0; page < 20 && !refused; page++) {
      const push = Array.from({ length: 100 }, (_, i) => ({
        doc: 'junk',
        key: `k${page * 100 + i}`,
        value,
        hlc: hlc(T, 0),
      }));
      const res = await syncRaw(h.url, device, push);
      if (res.status === 200) stored += 100;
      else refused = res;
    }
    assert.ok(refused, 'refused before 2,000 records');
    await assertLimited(refused, 'bytes_quota_exceeded');
    const usage = await h.store.profileUsage('shop', device.profileId);
    assert.equal(usage.records, stored);
    assert.ok(usage.bytes <= 5 * 1024 * 1024, `${usage.bytes} bytes stored`);
  });

  it('never trip a device syncing and streaming as the SDK does', async () => {
    const device = await register(h.url, 'busy');
    // A form draft saved every 300 ms for a minute is 200 syncs; pages of a big profile come on top.
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          syncRaw(h.url, device, [cartLine(`l${i}`, round + 1, T + round)]),
        ),
      );
      assert.deepEqual(new Set(answers.map((res) => res.status)), new Set([200]), `round ${round}`);
    }
    const batches = await Promise.all(
      Array.from({ length: 60 }, () => postJson(`${h.url}/v1/batch`, { batch: [trackEvent()] })),
    );
    assert.deepEqual(new Set(batches.map((res) => res.status)), new Set([200]));
    const streams = [
      await openRaw(h.url, '/v1/stream', device.token),
      await openRaw(h.url, '/v1/stream', device.token),
    ];
    assert.deepEqual(
      streams.map((s) => s.status),
      [200, 200],
    );
    for (const s of streams) await s.stream?.cancel();
  });
});
