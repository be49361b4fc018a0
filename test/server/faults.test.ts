import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer, openSqliteStore, type ServerOptions } from '../../server/index.ts';
import {
  basicAuth,
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SITES,
  startServer,
  trackEvent,
} from './helpers.ts';

let h: Harness;
let batchUrl: string;
before(async () => {
  h = await startServer({ faults: true });
  batchUrl = `${h.url}/v1/batch`;
});
after(() => h.close());
beforeEach(async () => {
  h.server.faults.clear();
  h.server.resetStats();
  await h.store.reset();
});

const storedIds = async () => (await h.store.listEvents('shop')).map((e) => e.messageId);

/** POSTs with node:http and reports how the exchange ended: a status, or the socket error. */
function rawPost(body: unknown): Promise<{ status?: number; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(
      batchUrl,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain',
          'Content-Length': Buffer.byteLength(payload),
          Authorization: basicAuth('shop-key'),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
      },
    );
    req.on('error', (error) => resolve({ error }));
    req.end(payload);
  });
}

describe('fault injection', () => {
  it('fail(n, status, headers) answers the next n requests without processing them', async () => {
    h.server.faults.fail(2, 503, { 'Retry-After': '1' });
    const lost = [trackEvent(), trackEvent()];
    const first = await postJson(batchUrl, { batch: [lost[0]] });
    const second = await postJson(batchUrl, { batch: [lost[1]] });
    for (const res of [first, second]) {
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(((await res.json()) as ErrorBody).error.code, 'injected_fault');
    }
    const kept = trackEvent();
    assert.equal((await postJson(batchUrl, { batch: [kept] })).status, 200);
    assert.deepEqual(await storedIds(), [kept.messageId]);
    assert.deepEqual(h.server.stats().byStatus, { '503': 2, '200': 1 });
  });

  // Timing checks compare a delayed request with an undelayed one, so a loaded machine slows both.
  const timed = async () => {
    const start = performance.now();
    assert.equal((await postJson(batchUrl, { batch: [trackEvent()] })).status, 200);
    return performance.now() - start;
  };

  it('delay(ms, count) slows down only the next count requests', async () => {
    // Delays far above a loaded machine's noise (requests took up to ~600 ms with 2 cores busy and
    // a browser suite beside): a second request delayed too would take at least 1,500 ms itself.
    h.server.faults.delay(1500, 1);
    const slow = await timed();
    const fast = await timed();
    assert.ok(slow >= 1490, `delayed request took ${slow} ms`);
    assert.ok(fast < slow - 700, `next request took ${fast} ms (delayed one: ${slow} ms)`);
  });

  it('delay(ms) without a count lasts until clear()', async () => {
    h.server.faults.delay(800);
    const delayed = [await timed(), await timed()];
    h.server.faults.clear();
    const cleared = await timed();
    for (const ms of delayed) assert.ok(ms >= 790, `a request took only ${ms} ms`);
    assert.ok(cleared < Math.min(...delayed) - 400, `still delayed after clear(): ${cleared} ms`);
  });

  it('drop(n) destroys the connection before processing: a fetch fails, nothing is stored', async () => {
    h.server.faults.drop(1);
    const lost = trackEvent();
    const error = await postJson(batchUrl, { batch: [lost] }).then(
      () => assert.fail('expected the connection to be dropped'),
      (e: Error) => e,
    );
    assert.equal(error.name, 'TypeError');
    assert.match(String((error.cause as Error | undefined)?.message ?? error.cause), /closed|reset|socket/i);
    assert.deepEqual(await storedIds(), []);
    assert.deepEqual(h.server.stats().byStatus, { dropped: 1 });
    // Only one: the next request goes through.
    assert.equal((await postJson(batchUrl, { batch: [lost] })).status, 200);
    assert.deepEqual(await storedIds(), [lost.messageId]);
  });

  it('drop(n, { after: true }) stores first, then drops; the re-send is a duplicate', async () => {
    h.server.faults.drop(1, { after: true });
    const event = trackEvent();
    const dropped = await rawPost({ batch: [event] });
    assert.equal(dropped.status, undefined, 'no response may arrive');
    assert.match(dropped.error?.code ?? dropped.error?.message ?? '', /ECONNRESET|socket hang up/);
    assert.deepEqual(await storedIds(), [event.messageId], 'processed before the drop');

    const resent = await rawPost({ batch: [event] });
    assert.equal(resent.status, 200);
    assert.deepEqual(await storedIds(), [event.messageId]);
    assert.deepEqual(
      { ...h.server.stats(), byStatus: undefined },
      {
        requests: 2,
        received: 2,
        inserted: 1,
        duplicates: 1,
        byStatus: undefined,
        syncRequests: 0,
        streamsOpened: 0,
        streamsOpen: 0,
        suppressed: 0,
      },
    );
  });

  it('one-shot faults apply in the order they were queued', async () => {
    h.server.faults.drop(1);
    h.server.faults.fail(1, 500);
    assert.ok((await rawPost({ batch: [trackEvent()] })).error);
    assert.equal((await rawPost({ batch: [trackEvent()] })).status, 500);
    assert.equal((await rawPost({ batch: [trackEvent()] })).status, 200);
  });

  it('faults also hit the compat routes', async () => {
    h.server.faults.fail(1, 500);
    assert.equal((await postJson(`${h.url}/t`, trackEvent())).status, 500);
    assert.equal((await postJson(`${h.url}/t`, trackEvent())).status, 200);
  });

  it('targets faults by path; untargeted faults hit the device routes too', async () => {
    const devicesUrl = `${h.url}/v1/devices`;
    h.server.faults.fail(1, 500, {}, { path: '/v1/devices' });
    assert.equal((await postJson(batchUrl, { batch: [trackEvent()] })).status, 200, 'not its path');
    assert.equal((await postJson(devicesUrl, { anonymousId: 'a' })).status, 500);
    assert.equal((await postJson(devicesUrl, { anonymousId: 'a' })).status, 201, 'one-shot');

    const device = (await (await postJson(devicesUrl, { anonymousId: 'b' })).json()) as { token: string };
    h.server.faults.fail(1, 503);
    const identify = await postJson(
      `${h.url}/v1/identify`,
      { userId: 'u', userHash: 'x' },
      { writeKey: null, headers: { Authorization: `Bearer ${device.token}` } },
    );
    assert.equal(identify.status, 503);

    h.server.faults.delay(250, 1, { path: ['/v1/sync'] });
    const start = performance.now();
    await postJson(batchUrl, { batch: [trackEvent()] });
    assert.ok(performance.now() - start < 200, 'the delay waits for /v1/sync');
  });

  it('clear() removes pending failures and drops', async () => {
    h.server.faults.fail(3, 500);
    h.server.faults.drop(3);
    h.server.faults.clear();
    const res = await postJson(batchUrl, { batch: [trackEvent()] });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as IngestBody).accepted, 1);
  });

  it('rejects nonsensical arguments', () => {
    assert.throws(() => h.server.faults.fail(1, 42), RangeError);
    assert.throws(() => h.server.faults.drop(-1), RangeError);
    assert.throws(() => h.server.faults.delay(-5), RangeError);
  });
});

describe('fault injection when disabled', () => {
  it('does nothing unless its middleware is installed in the server', async () => {
    const plain = await startServer({ faults: false });
    try {
      plain.server.faults.fail(1, 500);
      plain.server.faults.drop(1);
      plain.server.faults.delay(1000);
      assert.equal(plain.server.faults.dropStreams(), 0);
      const start = performance.now();
      const res = await postJson(`${plain.url}/v1/batch`, { batch: [trackEvent()] });
      assert.equal(res.status, 200);
      assert.ok(performance.now() - start < 500);
    } finally {
      await plain.close();
    }
  });
});

/** The modules `file` loads when it runs, following relative imports (type-only imports load nothing). */
function runtimeImports(file: string, found = new Set<string>()): Set<string> {
  if (found.has(file)) return found;
  found.add(file);
  const source = readFileSync(file, 'utf8');
  const statements =
    /(?:^|\n)\s*(?:import|export)\s+(type\s)?(?:[^'";]*?\sfrom\s+)?'([^']+)'|import\('([^']+)'\)/g;
  for (const [, typeOnly, specifier = '', dynamic] of source.matchAll(statements)) {
    const target = dynamic ?? specifier;
    if (typeOnly || !target.startsWith('.')) continue;
    runtimeImports(resolve(dirname(file), target), found);
  }
  return found;
}

describe('the production server', () => {
  const server = (path: string) => resolve(dirname(fileURLToPath(import.meta.url)), '../../server', path);

  it('has no fault code path: nothing server/main.ts loads reaches server/faults.ts', () => {
    const loaded = runtimeImports(server('main.ts'));
    assert.ok(loaded.has(server('app.ts')) && loaded.has(server('routes.ts')), 'the walk follows imports');
    assert.ok(loaded.size > 40, `only ${loaded.size} modules found`);
    assert.equal(loaded.has(server('faults.ts')), false);
  });

  it('cannot be given faults: an old `faults: true` option installs nothing', async () => {
    const store = openSqliteStore(':memory:');
    const plain = createServer({ store, sites: SITES, faults: true } as ServerOptions);
    const listening = await plain.listen();
    try {
      assert.equal('faults' in plain, false);
      const res = await postJson(`${listening.url}/v1/batch`, { batch: [trackEvent()] });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('connection'), 'keep-alive', 'no fault middleware closes connections');
    } finally {
      await listening.close();
      await store.close();
    }
  });
});
