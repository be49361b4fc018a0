// The server's metrics, read from GET /metrics over real HTTP while the real server works: events
// by outcome, syncs, open streams, limit refusals and database failures move by exactly what was done.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  type Harness,
  type IngestBody,
  postJson,
  SHOP_ORIGIN,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { METRICS_TOKEN, type Scrape, sample, scrape } from '../metrics-scrape.ts';
import type { TestDatabase } from '../test-database.ts';
import { openAgentStream } from './agent-client.ts';
import { api, line, openStream, register, sync } from './client.ts';

/** Sum of every series of `name` (any labels). */
const total = (samples: Scrape, name: string) =>
  [...samples].reduce((sum, [series, value]) => (series.split('{')[0] === name ? sum + value : sum), 0);

/**
 * Makes the database refuse to store events for real until the returned function runs: on SQLite a
 * second connection holds the write lock past the server's busy timeout (5 s), on PostgreSQL a
 * trigger raises disk_full (53100). Both are failures the server answers 503 storage_unavailable.
 */
async function breakEventStorage(database: TestDatabase): Promise<() => Promise<void>> {
  if (database.engine === 'sqlite') {
    const holder = new Database((database as TestDatabase & { file: string }).file);
    holder.exec('BEGIN IMMEDIATE');
    return async () => {
      holder.exec('ROLLBACK');
      holder.close();
    };
  }
  await database.exec(`CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'no space left' USING ERRCODE = '53100'; END $$;
    CREATE TRIGGER full_disk BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION full_disk();`);
  return () => database.exec('DROP TRIGGER full_disk ON events; DROP FUNCTION full_disk();');
}

describe('metrics (GET /metrics)', () => {
  let h: Harness;
  before(async () => {
    h = await startServer({
      metrics: { token: METRICS_TOKEN },
      limits: { syncPerDevice: { limit: 2, windowMs: 60_000 }, recordsPerProfile: 2 },
    });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.resetRateLimits();
    await h.store.reset();
  });

  it('counts the events of a batch: accepted, duplicate and rejected by code, per site', async () => {
    const before = await scrape(h.url);
    const first = trackEvent();
    const res = await postJson(`${h.url}/v1/batch`, {
      batch: [first, trackEvent(), first, { type: 'nope' }],
    });
    const answer = (await res.json()) as IngestBody;
    assert.deepEqual([answer.accepted, answer.duplicates, answer.rejected.length], [2, 1, 1]);
    const now = await scrape(h.url);
    const delta = (name: string, labels: Record<string, string>) =>
      sample(now, name, labels) - sample(before, name, labels);
    assert.equal(delta('omnikit_events_accepted_total', { site: 'shop' }), 2);
    assert.equal(delta('omnikit_events_duplicate_total', { site: 'shop' }), 1);
    assert.equal(delta('omnikit_events_rejected_total', { site: 'shop', code: 'invalid_type' }), 1);
    assert.equal(
      total(now, 'omnikit_events_rejected_total') - total(before, 'omnikit_events_rejected_total'),
      1,
    );
    assert.equal(sample(now, 'omnikit_events_accepted_total', { site: 'blog' }), 0);
    // The request itself, by route pattern and status class; the scrapes are not counted.
    const batches = { method: 'POST', route: '/v1/batch', status: '2xx' };
    assert.equal(delta('omnikit_http_requests_total', batches), 1);
    assert.ok(![...now.keys()].some((series) => series.includes('route="/metrics"')));
  });

  it('observes each sync in the sync latency histogram', async () => {
    const device = await register(h.url, 'metrics-sync');
    const before = sample(await scrape(h.url), 'omnikit_sync_duration_seconds_count');
    await sync(h.url, device, [line('mug', 1, TEST_NOW)]);
    const now = await scrape(h.url);
    assert.equal(sample(now, 'omnikit_sync_duration_seconds_count') - before, 1);
    assert.ok(sample(now, 'omnikit_sync_duration_seconds_sum') > 0);
  });

  it('shows open device and agent streams in a gauge, and takes them off once closed', async () => {
    const open = async (kind: string) => sample(await scrape(h.url), 'omnikit_open_streams', { kind });
    assert.deepEqual([await open('device'), await open('agent')], [0, 0]);
    const stream = await openStream(h.url, await register(h.url, 'metrics-stream'));
    const agents = await openAgentStream(h.url);
    assert.deepEqual([await open('device'), await open('agent')], [1, 1]);
    await stream.cancel();
    await agents.cancel();
    // The server hears a closed connection a moment after the client closed it.
    const deadline = Date.now() + 2000;
    let left = [await open('device'), await open('agent')];
    while ((left[0] !== 0 || left[1] !== 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      left = [await open('device'), await open('agent')];
    }
    assert.deepEqual(left, [0, 0]);
  });

  it('counts rate-limit and quota refusals by the limit that refused', async () => {
    const before = await scrape(h.url);
    const device = await register(h.url, 'metrics-limits');
    await sync(h.url, device);
    const full = await api(h.url, 'POST', '/v1/sync', {
      token: device.token,
      body: { push: [line('a', 1, TEST_NOW), line('b', 1, TEST_NOW), line('c', 1, TEST_NOW)] },
    });
    assert.equal(full.status, 429);
    assert.equal(((await full.json()) as { error: { code: string } }).error.code, 'records_quota_exceeded');
    const limited = await api(h.url, 'POST', '/v1/sync', { token: device.token, body: { push: [] } });
    assert.equal(limited.status, 429);
    const now = await scrape(h.url);
    const refused = (limit: string) =>
      sample(now, 'omnikit_limit_refusals_total', { limit }) -
      sample(before, 'omnikit_limit_refusals_total', { limit });
    assert.equal(refused('recordsPerProfile'), 1);
    assert.equal(refused('syncPerDevice'), 1);
    assert.equal(
      total(now, 'omnikit_limit_refusals_total') - total(before, 'omnikit_limit_refusals_total'),
      2,
    );
  });

  it('counts a database failure answered 503 storage_unavailable, by its kind', async () => {
    const before = total(await scrape(h.url), 'omnikit_database_errors_total');
    const restore = await breakEventStorage(h.database);
    let res: Response;
    try {
      res = await postJson(
        `${h.url}/v1/batch`,
        { batch: [trackEvent()] },
        { headers: { Origin: SHOP_ORIGIN } },
      );
    } finally {
      await restore();
    }
    assert.equal(res.status, 503);
    const now = await scrape(h.url);
    assert.equal(total(now, 'omnikit_database_errors_total') - before, 1);
    const kind = h.database.engine === 'sqlite' ? 'SqliteError SQLITE_BUSY' : 'DatabaseError 53100';
    assert.equal([...now.keys()].filter((series) => series.includes(`kind="${kind}`)).length, 1);
  });
});
