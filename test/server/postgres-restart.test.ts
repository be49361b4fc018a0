// PostgreSQL restarting under load never kills the server: the real server process (`server/main.ts`
// with DATABASE_URL), clients syncing and sending batches, and the real cluster restarted under them
// (`pg_ctl restart -m fast`, then `-m immediate`, a crash). Clients only ever get a 2xx or a 503 with
// Retry-After, every write answered 2xx is in the database afterwards, and the same process serves
// again once PostgreSQL is back. Also: the server starts while PostgreSQL is still coming up.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { basicAuth } from './helpers.ts';
import { startServerMain, writeServerConfig } from './main-process.ts';
import { startPostgres } from './postgres.ts';
import { api, hlc, register, type TestDevice } from './protocol/client.ts';

const WRITE_KEY = 'restart-test-write-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'omnikit-restart-'));
const configFile = writeServerConfig(dir, {
  sites: [
    {
      id: 'shop',
      writeKey: WRITE_KEY,
      origins: ['http://localhost:8000'],
      secret: `restart-test-secret-${randomUUID()}`,
    },
  ],
});

const cluster = await startPostgres({ durableCommits: true });
after(async () => {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

const startServerProcess = (databaseUrl: string) =>
  startServerMain({ DATABASE_URL: databaseUrl, OMNIKIT_CONFIG: configFile });

/** What clients saw: every answer, and the writes answered 2xx. */
interface Load {
  statuses: Map<number, number>;
  missingRetryAfter: number;
  /** The longest any request took (ms): none may hang on the database. */
  slowest: number;
  failures: string[];
  storedEvents: string[];
  storedRecords: string[];
}

/** Devices that sync and send batches in a loop until `until()` says stop. */
async function runLoad(
  url: string,
  devices: TestDevice[],
  marker: string,
  until: () => boolean,
): Promise<Load> {
  const load: Load = {
    statuses: new Map(),
    missingRetryAfter: 0,
    slowest: 0,
    failures: [],
    storedEvents: [],
    storedRecords: [],
  };
  // Sends, waits for the whole answer, and counts it; true when it was a 2xx.
  const send = async (request: () => Promise<Response>) => {
    const started = performance.now();
    const res = await request();
    await res.arrayBuffer();
    load.slowest = Math.max(load.slowest, performance.now() - started);
    load.statuses.set(res.status, (load.statuses.get(res.status) ?? 0) + 1);
    if (res.status === 503 && !res.headers.get('retry-after')) load.missingRetryAfter += 1;
    return res.ok;
  };
  await Promise.all(
    devices.map(async (device, d) => {
      for (let n = 0; !until(); n++) {
        try {
          const key = `d${d}-line-${n}`;
          const push = [
            { doc: 'cart', key, value: { qty: 1, note: marker }, hlc: hlc(Date.now(), 0, `d${d}`) },
          ];
          const body = { push, cursor: '' };
          if (await send(() => api(url, 'POST', '/v1/sync', { token: device.token, body }))) {
            load.storedRecords.push(key);
          }
          const messageId = `d${d}-event-${n}-${randomUUID()}`;
          const batch = [
            {
              type: 'track',
              event: 'Cart Viewed',
              messageId,
              anonymousId: `anon-${d}`,
              properties: { marker },
            },
          ];
          if (await send(() => postBatch(url, batch))) load.storedEvents.push(messageId);
        } catch (error) {
          load.failures.push((error as Error).message);
          await sleep(50);
        }
      }
    }),
  );
  return load;
}

function postBatch(url: string, batch: unknown[]): Promise<Response> {
  return fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Authorization: basicAuth(WRITE_KEY) },
    body: JSON.stringify({ batch }),
  });
}

async function rowsOf(url: string, sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: string }>(sql)).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL restarting under the server process', () => {
  let database: Awaited<ReturnType<typeof cluster.database>>;
  before(async () => {
    database = await cluster.database();
  });

  it('keeps the process alive, answers 2xx or 503 + Retry-After, loses no acknowledged write, and serves again', async () => {
    const server = startServerProcess(database.url);
    try {
      const url = await server.listening;
      const devices = await Promise.all([0, 1, 2, 3].map((d) => register(url, `anon-${d}`, WRITE_KEY)));
      const marker = `customer-text-${randomUUID()}`;
      let done = false;
      const load = runLoad(url, devices, marker, () => done);

      for (const mode of ['fast', 'immediate'] as const) {
        await sleep(700);
        await cluster.restart(mode);
      }
      // Served again by the same process, without a restart of ours.
      let served = false;
      for (const deadline = Date.now() + 10_000; !served && Date.now() < deadline; await sleep(100)) {
        const event = { type: 'track', event: 'Back', messageId: randomUUID(), anonymousId: 'anon-back' };
        served = (await postBatch(url, [event])).ok;
      }
      await sleep(700);
      done = true;
      const seen = await load;

      assert.equal(server.child.exitCode, null, `the server process died:\n${server.output.join('\n')}`);
      assert.ok(served, 'requests never succeeded again after the restarts');
      assert.deepEqual(seen.failures, [], 'requests that got no answer at all');
      const statuses = Object.fromEntries(seen.statuses);
      for (const status of seen.statuses.keys()) {
        assert.ok(
          (status >= 200 && status < 300) || status === 503,
          `answered ${status}: ${JSON.stringify(statuses)}`,
        );
      }
      assert.ok(seen.statuses.has(503), `no request met the restarts (${JSON.stringify(statuses)})`);
      assert.equal(seen.missingRetryAfter, 0, '503 without Retry-After');
      // Bounded by the connect timeout (5 s): nothing waits on a database that is away.
      assert.ok(seen.slowest < 8000, `a request took ${Math.round(seen.slowest)} ms`);

      const events = new Set(await rowsOf(database.url, 'SELECT message_id AS id FROM events'));
      const records = new Set(await rowsOf(database.url, 'SELECT key AS id FROM records'));
      assert.deepEqual(
        seen.storedEvents.filter((id) => !events.has(id)),
        [],
        'acknowledged events lost',
      );
      assert.deepEqual(
        seen.storedRecords.filter((key) => !records.has(key)),
        [],
        'acknowledged records lost',
      );
      assert.ok(seen.storedEvents.length > 0 && seen.storedRecords.length > 0);

      const log = server.output.join('\n');
      assert.match(log, /storage unavailable, answered 503/);
      assert.ok(!log.includes(marker), 'the log quotes what customers sent');
    } finally {
      await server.stop();
    }
  });

  it('starts while PostgreSQL is still coming up, and answers once it is', async () => {
    await cluster.halt();
    const server = startServerProcess(database.url);
    try {
      await server.printed(/waiting for PostgreSQL/);
      await sleep(1000);
      await cluster.resume();
      const url = await server.listening;
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { Authorization: basicAuth(WRITE_KEY) },
        body: JSON.stringify({
          batch: [{ type: 'track', event: 'Started', messageId: randomUUID(), anonymousId: 'a' }],
        }),
      });
      assert.equal(res.status, 200, await res.text());
    } finally {
      await server.stop();
    }
  });
});
