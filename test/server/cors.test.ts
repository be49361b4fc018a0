import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { logRefusedOrigins } from '../../server/refused-origins.ts';
import {
  BLOG_ORIGIN,
  basicAuth,
  type ErrorBody,
  type Harness,
  postJson,
  SHOP_AGENT_KEY,
  SHOP_ORIGIN,
  SHOP_SERVER_KEY,
  STRANGER_ORIGIN,
  startServer,
  trackEvent,
} from './helpers.ts';
import { register, type TestDevice } from './protocol/client.ts';

let h: Harness;
before(async () => {
  h = await startServer();
});
after(() => h.close());
beforeEach(async () => {
  h.server.faults.clear();
  await h.store.reset();
});

function preflight(origin: string, requestHeaders?: string): Promise<Response> {
  return fetch(`${h.url}/v1/batch`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      ...(requestHeaders ? { 'Access-Control-Request-Headers': requestHeaders } : {}),
    },
  });
}

describe('CORS preflight', () => {
  it('answers 204 with the origin, methods, echoed headers (Authorization included) and max-age', async () => {
    const res = await preflight(SHOP_ORIGIN, 'authorization,content-type,anonymousid');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    // The answer echoes both: a cache must keep one per origin and per list of headers.
    assert.equal(res.headers.get('vary'), 'Origin, Access-Control-Request-Headers');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type,anonymousid');
    assert.equal(res.headers.get('access-control-max-age'), '86400');
  });

  it('allows an origin that any configured site allows (a preflight has no write key)', async () => {
    const res = await preflight(BLOG_ORIGIN, 'content-type');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), BLOG_ORIGIN);
  });

  it('lets an origin no site allows through too, so that the refusal of its request is readable', async () => {
    // A failed preflight is a network error to the page: Segment, RudderStack and Omnikit then retry
    // on every page load. The request itself is refused (see below), before any route runs.
    const res = await preflight(STRANGER_ORIGIN, 'authorization,content-type');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), STRANGER_ORIGIN);
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type');
    assert.equal(await res.text(), '');
  });

  it('is never faulted and not counted as an ingest request', async () => {
    h.server.resetStats();
    h.server.faults.fail(1, 500);
    const res = await preflight(SHOP_ORIGIN, 'content-type');
    assert.equal(res.status, 204);
    assert.equal(h.server.stats().requests, 0);
    // The pending failure is still there for the real request.
    assert.equal((await postJson(`${h.url}/v1/batch`, { batch: [trackEvent()] })).status, 500);
  });
});

describe('CORS on actual responses', () => {
  const batchUrl = () => `${h.url}/v1/batch`;

  it('carries Allow-Origin and exposes Retry-After on success', async () => {
    const res = await postJson(batchUrl(), { batch: [trackEvent()] }, { headers: { Origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('answers /v1/sync with the same CORS headers, made once per origin', async () => {
    const device = await register(h.url, 'anon-cors-sync');
    const syncWith = (headers: Record<string, string>) =>
      fetch(`${h.url}/v1/sync`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${device.token}`, ...headers },
        body: JSON.stringify({ push: [], cursor: '' }),
      });
    // Twice: the second answer reuses the headers made for the first.
    for (const origin of [SHOP_ORIGIN, SHOP_ORIGIN]) {
      const res = await syncWith({ Origin: origin });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
      assert.equal(res.headers.get('vary'), 'Origin');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(((await res.json()) as { profileId: string }).profileId, device.profileId);
    }
    const withoutOrigin = await syncWith({});
    assert.equal(withoutOrigin.status, 200);
    assert.equal(withoutOrigin.headers.get('access-control-allow-origin'), null);
    assert.equal(withoutOrigin.headers.get('vary'), 'Origin');
    // Another site's origin: refused by the route, still readable.
    const refused = await syncWith({ Origin: BLOG_ORIGIN });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), BLOG_ORIGIN);
    h.server.faults.fail(1, 503, { 'Retry-After': '2' });
    const failed = await syncWith({ Origin: SHOP_ORIGIN });
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(failed.headers.get('vary') ?? '', /Origin/);
  });

  it('carries Allow-Origin on 401, 400 and 413 errors', async () => {
    const headers = { Origin: SHOP_ORIGIN };
    const unauthorized = await postJson(batchUrl(), { batch: [] }, { writeKey: 'wrong', headers });
    const malformed = await postJson(batchUrl(), '{oops', { headers });
    const tooLarge = await postJson(batchUrl(), 'x'.repeat(2 * 1024 * 1024), { headers });
    assert.deepEqual([unauthorized.status, malformed.status, tooLarge.status], [401, 400, 413]);
    for (const res of [unauthorized, malformed, tooLarge]) {
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN, `on ${res.status}`);
    }
  });

  it('carries Allow-Origin and Retry-After on an injected failure', async () => {
    h.server.faults.fail(1, 429, { 'Retry-After': '3' });
    const res = await postJson(batchUrl(), { batch: [trackEvent()] }, { headers: { Origin: SHOP_ORIGIN } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
  });

  it('answers 403 (still with Allow-Origin) when the origin belongs to another site, storing nothing', async () => {
    // The blog's origin passes the preflight, but the shop's write key does not allow it.
    const res = await postJson(batchUrl(), { batch: [trackEvent()] }, { headers: { Origin: BLOG_ORIGIN } });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'origin_not_allowed');
    assert.equal(res.headers.get('access-control-allow-origin'), BLOG_ORIGIN);
    assert.equal((await h.store.listEvents('shop')).length, 0);
  });

  it('answers an origin no site allows with a 403 it can read, naming the origin, storing nothing', async () => {
    h.server.resetStats();
    const res = await postJson(
      batchUrl(),
      { batch: [trackEvent()] },
      { headers: { Origin: STRANGER_ORIGIN } },
    );
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), STRANGER_ORIGIN);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    assert.deepEqual(await res.json(), {
      error: { code: 'origin_not_allowed', message: `Origin ${STRANGER_ORIGIN} is not allowed by any site` },
    });
    assert.equal((await h.store.listEvents('shop')).length, 0);
    assert.equal(h.server.stats().requests, 0, 'refused before the route');
  });

  it('logs each origin no site allows once, quoted, and never an allowed one', async () => {
    // Origins no earlier test sent: the server logs an origin once in its life.
    const forgotten = `http://forgotten-${Date.now()}.example`;
    const staging = `https://staging-${Date.now()}.example`;
    const before = h.refusedOriginLog.length;
    const send = (origin: string) =>
      postJson(batchUrl(), { batch: [trackEvent()] }, { headers: { Origin: origin } });
    for (const origin of [forgotten, forgotten, SHOP_ORIGIN, BLOG_ORIGIN, staging, forgotten])
      await send(origin);
    const quoted = (origin: string) =>
      `Omnikit server: refused origin "${origin}": no site allows it (add it to a site's "origins" if it is one of the shop's pages)`;
    assert.deepEqual(h.refusedOriginLog.slice(before), [quoted(forgotten), quoted(staging)]);
  });

  it('logs at most a bounded number of refused origins, then says the rest are not logged', () => {
    const lines: string[] = [];
    const log = logRefusedOrigins((line) => lines.push(line), 3);
    for (let n = 0; n < 10; n++) log(`http://made-up-${n}.example`);
    log('http://made-up-0.example');
    assert.equal(lines.length, 4);
    assert.match(lines[3], /more than 3 origins refused; the others are not logged/);
  });

  it('gives each kind of origin its preflight and its answer', async () => {
    const cases = [
      [SHOP_ORIGIN, 200, null],
      [BLOG_ORIGIN, 403, 'is not allowed for this write key'], // allowed by the blog, not by the shop
      [STRANGER_ORIGIN, 403, 'is not allowed by any site'],
      ['null', 403, 'is not allowed by any site'], // a sandboxed frame or a file:// page
    ] as const;
    for (const [origin, status, refusal] of cases) {
      const pre = await preflight(origin, 'authorization,content-type');
      assert.equal(pre.status, 204, origin);
      assert.equal(pre.headers.get('access-control-allow-origin'), origin, origin);
      assert.match(pre.headers.get('vary') ?? '', /Origin/, origin);
      assert.equal(pre.headers.get('access-control-max-age'), '86400', origin);

      const res = await postJson(batchUrl(), { batch: [trackEvent()] }, { headers: { Origin: origin } });
      assert.equal(res.status, status, origin);
      assert.equal(res.headers.get('access-control-allow-origin'), origin, origin);
      assert.match(res.headers.get('vary') ?? '', /Origin/, origin);
      if (refusal) {
        const { error } = (await res.json()) as ErrorBody;
        assert.equal(error.code, 'origin_not_allowed', origin);
        assert.equal(error.message, `Origin ${origin} ${refusal}`, origin);
      }
    }
    // A server (no Origin) gets the same route, and a cache is told the answer depends on Origin.
    const server = await postJson(batchUrl(), { batch: [trackEvent()] });
    assert.equal(server.status, 200);
    assert.equal(server.headers.get('access-control-allow-origin'), null);
    assert.equal(server.headers.get('vary'), 'Origin');
    assert.equal((await h.store.listEvents('shop')).length, 2);
  });

  it("accepts any origin for a site configured with '*'", async () => {
    const open = await startServer({ sites: [{ id: 'open', writeKey: 'open-key', origins: ['*'] }] });
    try {
      const pre = await fetch(`${open.url}/t`, {
        method: 'OPTIONS',
        headers: { Origin: STRANGER_ORIGIN, 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), STRANGER_ORIGIN);
      const res = await postJson(`${open.url}/t`, trackEvent(), {
        writeKey: 'open-key',
        headers: { Origin: STRANGER_ORIGIN },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), STRANGER_ORIGIN);
    } finally {
      await open.close();
    }
  });
});

describe('an origin no site allows reaches no route', () => {
  /** The credentials each route takes, valid ones: the refusal must not depend on a wrong key. */
  function credentialsFor(path: string, device: TestDevice): Record<string, string> {
    if (path.startsWith('/v1/agent/')) return { Authorization: `Bearer ${SHOP_AGENT_KEY}` };
    if (path === '/v1/plan/report') return { Authorization: `Bearer ${SHOP_SERVER_KEY}` };
    if (path === '/v1/devices') return {};
    const deviceRoutes = [
      '/v1/identify',
      '/v1/sync',
      '/v1/stream',
      '/v1/handoff',
      '/v1/chat',
      '/v1/devices/',
    ];
    if (deviceRoutes.some((prefix) => path.startsWith(prefix)))
      return { Authorization: `Bearer ${device.token}` };
    return { Authorization: basicAuth('shop-key') };
  }

  // One body any route can read: an event, a batch, a registration, a sync push, a reply.
  const body = () =>
    JSON.stringify({
      ...trackEvent(),
      batch: [trackEvent()],
      writeKey: 'shop-key',
      push: [],
      cursor: '',
      text: 'hello',
      typing: true,
      token: 'not-a-handoff-token',
    });

  /** Sends one request; a stream is cut once its headers arrived. */
  async function send(method: string, path: string, device: TestDevice, origin: string) {
    const abort = new AbortController();
    const res = await fetch(`${h.url}${path.replace(':profileId', device.profileId)}`, {
      method,
      headers: { Origin: origin, 'Content-Type': 'text/plain', ...credentialsFor(path, device) },
      body: method === 'GET' ? undefined : body(),
      signal: abort.signal,
    });
    const stream = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const text = stream ? '' : await res.text();
    abort.abort();
    return { res, text };
  }

  it('refuses every route before it runs, with valid credentials: nothing done, nothing in the answer', async () => {
    const device = await register(h.url, 'anon-cors');
    h.server.resetStats();
    const routes = [
      ...new Map(
        h.server.app.routes.filter((r) => r.method !== 'ALL').map((r) => [`${r.method} ${r.path}`, r]),
      ).values(),
    ];
    assert.ok(routes.length >= 30, `every route: ${routes.length}`);
    // Revoking the token goes last: the routes after it would fail on the token, not on the origin.
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

    for (const { method, path } of [...routes, { method: 'GET', path: '/no/such/route' }]) {
      const { res, text } = await send(method, path, device, STRANGER_ORIGIN);
      const what = `${method} ${path}`;
      assert.equal(res.status, 403, what);
      assert.equal(res.headers.get('access-control-allow-origin'), STRANGER_ORIGIN, what);
      assert.match(res.headers.get('vary') ?? '', /Origin/, what);
      assert.deepEqual(
        JSON.parse(text),
        {
          error: {
            code: 'origin_not_allowed',
            message: `Origin ${STRANGER_ORIGIN} is not allowed by any site`,
          },
        },
        what,
      );
    }
    // No route ran: no event, no device, no stream, no sync; the token still works.
    const stats = h.server.stats();
    assert.deepEqual([stats.requests, stats.syncRequests, stats.streamsOpened], [0, 0, 0]);
    assert.equal((await h.store.listEvents('shop')).length, 0);
    assert.equal((await h.database.rows('devices')).length, 1);

    // The same requests from the shop's own pages reach their routes.
    for (const { method, path } of routes) {
      const { res, text } = await send(method, path, device, SHOP_ORIGIN);
      assert.ok(!text.includes('origin_not_allowed'), `${method} ${path}: ${res.status} ${text}`);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN, `${method} ${path}`);
    }
    assert.ok((await h.store.listEvents('shop')).length > 0);
  });
});
