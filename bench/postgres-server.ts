/**
 * The reference server on PostgreSQL, so a shop can size its deployment: the same ingest and sync
 * loads as server-ingest.ts against one server process, then against two processes sharing one
 * database (the load split evenly between them, as a load balancer would), and how long a cart
 * change pushed to one process takes to reach a device's change stream on the same process and on
 * the other one (stream-latency.ts).
 *
 * PostgreSQL is a throwaway cluster (test/server/postgres.ts: initdb in a temp dir, a free loopback
 * port, deleted after) with PostgreSQL's own durability defaults: fsync, full_page_writes and
 * synchronous_commit on, so a 2xx is on disk as in production. Each deployment gets a fresh database.
 * Without PostgreSQL's server binaries the section says so instead of failing the run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBin, type PostgresCluster, startPostgres } from '../test/server/postgres.ts';
import { median, num, percentile, table } from './report.ts';
import {
  BATCH,
  CONNECTIONS,
  DEVICES,
  type IngestResult,
  ingestLoad,
  type Latency,
  type Running,
  SECONDS,
  SYNC_NOTE,
  type SyncLatency,
  startServer,
  stopServer,
  syncLatency,
} from './server-ingest.ts';
import { HEARD_WITHIN_MS, type StreamLatency, streamLatency } from './stream-latency.ts';

/** One deployment's figures: events/s and batch latency, then /v1/sync under 100 devices. */
export interface DeploymentResult {
  ingest: IngestResult;
  sync: SyncLatency;
}

export type PostgresResults =
  | { missing: string }
  | {
      /** `pg_ctl --version`, e.g. "pg_ctl (PostgreSQL) 15.14". */
      version: string;
      one: DeploymentResult;
      two: DeploymentResult;
      streams: {
        /** A and B on the one process of the one-process deployment. */
        oneProcess: StreamLatency;
        /** A and B both on process 1 of the two-process deployment. */
        sameProcess: StreamLatency;
        /** A on process 1, B on process 2. */
        acrossProcesses: StreamLatency;
      };
    };

/** Measures both deployments on one throwaway cluster; `changes`: stream changes timed per row. */
export async function postgresServer(changes: number): Promise<PostgresResults> {
  let bin: string;
  try {
    bin = findPostgresBin();
  } catch {
    // Its message speaks to someone running the tests; this one to someone reading the bench.
    return {
      missing:
        "PostgreSQL's server binaries (initdb, pg_ctl) not found: install PostgreSQL (Debian: `apt-get install postgresql`) or point PG_BIN at them",
    };
  }
  const version = execFileSync(join(bin, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).trim();
  const cluster = await startPostgres({ productionDurability: true });
  // The site's identify secret: the servers verify with it, the stream measurement signs with it.
  const secret = randomBytes(32).toString('hex');
  try {
    const one = await onDeployment(cluster, 1, secret, async (urls, stored) => ({
      ingest: await ingestLoad(urls, stored),
      sync: await syncLatency(urls),
      // After the load, on an idle server: the latency of one change, not of a queue.
      oneProcess: await streamLatency(urls[0], urls[0], secret, changes),
    }));
    const two = await onDeployment(cluster, 2, secret, async (urls, stored) => ({
      ingest: await ingestLoad(urls, stored),
      sync: await syncLatency(urls),
      sameProcess: await streamLatency(urls[0], urls[0], secret, changes),
      acrossProcesses: await streamLatency(urls[0], urls[1], secret, changes),
    }));
    return {
      version,
      one: { ingest: one.ingest, sync: one.sync },
      two: { ingest: two.ingest, sync: two.sync },
      streams: {
        oneProcess: one.oneProcess,
        sameProcess: two.sameProcess,
        acrossProcesses: two.acrossProcesses,
      },
    };
  } finally {
    await cluster.stop();
  }
}

/**
 * Starts `processes` reference servers on a fresh database of `cluster`, runs `work` with their
 * URLs and a count of the stored events, then stops them and drops the database.
 */
async function onDeployment<T>(
  cluster: PostgresCluster,
  processes: number,
  secret: string,
  work: (urls: string[], stored: () => Promise<number>) => Promise<T>,
): Promise<T> {
  const database = await cluster.database();
  const servers: Running[] = [];
  try {
    // One after the other: the second would only wait on the first one's schema lock.
    for (let index = 0; index < processes; index++)
      servers.push(await startServer(database.url, { BENCH_SITE_SECRET: secret }));
    return await work(
      servers.map((server) => server.url),
      () => countEvents(database.url),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
    await database.remove();
  }
}

async function countEvents(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
  } finally {
    await client.end();
  }
}

const ms = (latency: Latency) => `${num(latency.p50, 0)} ms / ${num(latency.p99, 0)} ms`;

/**
 * The figures of each deployment side by side, SQLite's (server-ingest.ts, one process) first, then
 * the stream latencies and how the cluster was set up.
 */
export function postgresTables(results: PostgresResults, sqlite: DeploymentResult): string {
  if ('missing' in results)
    return table(
      ['measurement', 'result'],
      [['PostgreSQL, one and two server processes', `not measured: ${results.missing}`]],
      'll',
    );
  const { one, two, streams, version } = results;
  const columns = [sqlite, one, two];
  const row = (label: string, cell: (result: DeploymentResult) => string) => [label, ...columns.map(cell)];
  const deployments = table(
    ['measurement', 'SQLite, 1 process', 'PostgreSQL, 1 process', 'PostgreSQL, 2 processes'],
    [
      row(
        `events ingested per second (POST /v1/batch, ${BATCH} events/batch, ${CONNECTIONS} connections in all, ${SECONDS} s)`,
        ({ ingest }) => num(ingest.eventsPerSecond, 0),
      ),
      row('batch latency p50 / p99', ({ ingest }) => ms(ingest.latency)),
      row(
        'batches answered 2xx / non-2xx / errors',
        ({ ingest }) => `${num(ingest.batches, 0)} / ${ingest.non2xx} / ${ingest.errors}`,
      ),
      row('events stored (counted after the run, batches in flight at the end included)', ({ ingest }) =>
        num(ingest.stored, 0),
      ),
      row(`/v1/sync p50 / p99, ${DEVICES} devices syncing at once for ${SECONDS} s`, ({ sync }) => ms(sync)),
      row('syncs answered / failed', ({ sync }) => `${num(sync.syncs, 0)} / ${sync.failed}`),
    ],
  );
  const latencies = table(
    [
      "a cart change pushed by device A until device B's /v1/stream carries `changed`",
      'median / p95 / min / max, ms',
      'note',
    ],
    [
      ['PostgreSQL, 1 process: A and B on it', ...latencyCells(streams.oneProcess)],
      ['PostgreSQL, 2 processes: A and B on process 1', ...latencyCells(streams.sameProcess)],
      [
        'PostgreSQL, 2 processes: A on process 1, B on process 2',
        ...latencyCells(streams.acrossProcesses, true),
      ],
    ],
    'lrl',
  );
  return `${deployments}\n\n${latencies}\n\n${notes(version)}`;
}

/** The summary and note of one stream-latency row; a change never heard says so instead. */
function latencyCells({ times, changes, warmupHeard }: StreamLatency, across = false): [string, string] {
  const within = `${HEARD_WITHIN_MS / 1000} s`;
  if (warmupHeard === 0)
    return across
      ? [
          'no cross-process fan-out',
          `B heard no change within ${within}: stream notifications stay in the process that took the push`,
        ]
      : ['never heard', `B heard no change within ${within}`];
  const sorted = [...times].sort((x, y) => x - y);
  const summary = [median(sorted), percentile(sorted, 0.95), sorted[0], sorted[sorted.length - 1]];
  const heard =
    times.length < changes ? `; stopped: change ${times.length + 1} not heard within ${within}` : '';
  return [
    summary.map((value) => num(value, 1)).join(' / '),
    `${times.length} of ${changes} changes heard${heard}`,
  ];
}

function notes(version: string): string {
  return [
    `- ${version}, a throwaway cluster on this machine's disk (loopback).`,
    "- Durability as in production: PostgreSQL's own defaults, fsync, full_page_writes and",
    "  synchronous_commit on (every acknowledged commit is on disk, as with SQLite's synchronous = FULL);",
    '  its other settings are its defaults too (max_connections 200).',
    "- Each server process opens the store with the server's defaults (a pool of 10 connections), as",
    '  `DATABASE_URL` does; each deployment starts on a fresh, empty database. Two processes: half the',
    '  ingest connections and half the devices on each, latencies pooled from both, rates summed.',
    SYNC_NOTE,
    '- Stream latency: plain HTTP from Node (no browser), the change pushed with POST /v1/sync, timed',
    "  until the `changed` event arrives on B's open stream; idle servers, after the loads.",
    "- The load generator, the server processes and PostgreSQL share this machine's CPUs (and other",
    '  work on it): the figures are noisy, and compare deployments on one machine, not a real cluster.',
  ].join('\n');
}
