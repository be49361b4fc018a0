import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BLOG_ORIGIN,
  type ErrorBody,
  type Harness,
  postJson,
  SHOP_ORIGIN,
  STRANGER_ORIGIN,
  startServer,
  trackEvent,
} from './helpers.ts';

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
    assert.equal(res.headers.get('vary'), 'Origin');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type,anonymousid');
    assert.equal(res.headers.get('access-control-max-age'), '86400');
  });

  it('allows an origin that any configured site allows (a preflight has no write key)', async () => {
    const res = await preflight(BLOG_ORIGIN, 'content-type');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), BLOG_ORIGIN);
  });

  it('refuses an origin no site allows, without CORS headers', async () => {
    const res = await preflight(STRANGER_ORIGIN, 'content-type');
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
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

  it('carries Allow-Origin on 401, 400 and 413 errors', async () => {
    const headers = { Origin: SHOP_ORIGIN };
    const unauthorized = await postJson(batchUrl(), { batch: [] }, { writeKey: 'wrong', headers });
    const malformed = await postJson(batchUrl(), '{oops', { headers });
    const tooLarge = await postJson(batchUrl(), 'x'.repeat(600 * 1024), { headers });
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

  it('answers 403 without Allow-Origin to an origin no site allows', async () => {
    const res = await postJson(
      batchUrl(),
      { batch: [trackEvent()] },
      { headers: { Origin: STRANGER_ORIGIN } },
    );
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
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
