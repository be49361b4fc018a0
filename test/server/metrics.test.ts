// GET /metrics is off unless configured, and then only for the token's holder; each server counts on
// a registry of its own; the token meets the secret policy; the CLI serves it from its config. The
// counters themselves are checked in protocol/metrics.ts, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createServer, loadConfig, openSqliteStore, UnsafeSecretError } from '../../server/index.ts';
import {
  basicAuth,
  type ErrorBody,
  postJson,
  SHOP_SECRET,
  SITES,
  startServer,
  trackEvent,
} from './helpers.ts';
import { startServerMain, writeServerConfig } from './main-process.ts';
import { METRICS_TOKEN, sample, scrape } from './metrics-scrape.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The token as a config file names it: `${METRICS_TOKEN}`, from the environment. */
const TOKEN_FROM_ENV = `\${METRICS_TOKEN}`;

const get = (url: string, authorization?: string) =>
  fetch(`${url}/metrics`, { headers: authorization ? { Authorization: authorization } : {} });

describe('GET /metrics', () => {
  it('is an unknown route (404) on a server not given metrics', async () => {
    const h = await startServer();
    try {
      const res = await get(h.url, `Bearer ${METRICS_TOKEN}`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'not_found');
    } finally {
      await h.close();
    }
  });

  it('answers 401 without the token, with a wrong one or another scheme; 200 with it', async () => {
    const h = await startServer({ metrics: { token: METRICS_TOKEN } });
    try {
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        `Bearer ${METRICS_TOKEN}x`,
        `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
        `Basic ${METRICS_TOKEN}`,
        basicAuth(METRICS_TOKEN),
      ]) {
        const res = await get(h.url, authorization);
        assert.equal(res.status, 401, String(authorization));
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_metrics_token');
      }
      const samples = await scrape(h.url);
      assert.ok(samples.has('process_cpu_user_seconds_total'), 'the process metrics are there');
      // Not rate-limited: far more scrapes than any limit allows in a window still answer.
      for (let i = 0; i < 20; i++) assert.equal((await get(h.url, `Bearer ${METRICS_TOKEN}`)).status, 200);
    } finally {
      await h.close();
    }
  });

  it('counts on a registry of its own: two servers in one process never share a count', async () => {
    const [one, two] = [
      await startServer({ metrics: { token: METRICS_TOKEN } }),
      await startServer({ metrics: { token: METRICS_TOKEN } }),
    ];
    try {
      assert.equal((await postJson(`${one.url}/v1/batch`, { batch: [trackEvent()] })).status, 200);
      assert.equal(sample(await scrape(one.url), 'omnikit_events_accepted_total', { site: 'shop' }), 1);
      assert.equal(sample(await scrape(two.url), 'omnikit_events_accepted_total', { site: 'shop' }), 0);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('refuses a short, example or reused token, naming the field and never the value (but for the demo)', () => {
    const store = openSqliteStore(':memory:');
    try {
      const start = (token: string, demo = false) =>
        createServer({ store, sites: SITES, demo, metrics: { token } });
      for (const [token, why] of [
        ['short-token', /metrics\.token must be a secret of at least 32 bytes/],
        ['metrics-token-change-me-0123456789abcdef', /metrics\.token must be a secret of your own/],
        [SHOP_SECRET, /metrics\.token must be unique, but it equals sites\[0\]\.secret/],
      ] as const) {
        assert.throws(
          () => start(token),
          (error: Error) =>
            error instanceof UnsafeSecretError && why.test(error.message) && !error.message.includes(token),
        );
      }
      start('short-token', true);
      const file = writeServerConfig(dir, {
        sites: [SITES[1]],
        metrics: { token: TOKEN_FROM_ENV },
      });
      assert.throws(
        () => loadConfig(file, {}, { METRICS_TOKEN: 'short-token' }),
        /metrics\.token must be a secret/,
      );
      assert.deepEqual(loadConfig(file, {}, { METRICS_TOKEN }).metrics, { token: METRICS_TOKEN });
      // A site key equal to the token, added by a reload, is refused too.
      const server = start(METRICS_TOKEN);
      assert.throws(
        () => server.reloadSites([{ ...SITES[1], agentKey: METRICS_TOKEN }]),
        /metrics\.token must be unique/,
      );
    } finally {
      store.close();
    }
  });

  it('is served by the CLI when its config has metrics, and the token never reaches the log', async () => {
    const config = writeServerConfig(dir, {
      sites: [{ id: 'shop', writeKey: 'metrics-cli-key', origins: ['https://shop.example'] }],
      metrics: { token: TOKEN_FROM_ENV },
    });
    const server = startServerMain({ OMNIKIT_CONFIG: config, DATA_DIR: join(dir, 'cli'), METRICS_TOKEN });
    try {
      const url = await server.listening;
      assert.equal((await get(url)).status, 401);
      const batch = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', Authorization: basicAuth('metrics-cli-key') },
        body: JSON.stringify({ batch: [trackEvent()] }),
      });
      assert.equal(batch.status, 200);
      const samples = await scrape(url);
      assert.equal(sample(samples, 'omnikit_events_accepted_total', { site: 'shop' }), 1);
      const batches = { method: 'POST', route: '/v1/batch', status: '2xx' };
      assert.equal(sample(samples, 'omnikit_http_requests_total', batches), 1);
      await server.printed(/"route":"\/metrics"/);
      assert.ok(!server.output.join('\n').includes(METRICS_TOKEN), 'the log holds the token');
    } finally {
      await server.stop();
    }
  });
});
