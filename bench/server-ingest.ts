/**
 * Reference server: events ingested per second on SQLite. The real server (server/index.ts) runs in
 * a child process on 127.0.0.1 with a temporary database; autocannon posts batches of 20 realistic
 * Omnikit events (unique messageIds) to /v1/batch for a fixed 10 s; the stored rows are counted
 * afterwards. The same load runs first on a server whose SQLite store uses synchronous = NORMAL, to
 * show what the default (FULL: every commit fsynced before the answer) costs. Then 100 devices,
 * registered through /v1/devices, each push a cart change and pull through /v1/sync in a loop for a
 * fixed 10 s, as the SDK does after every change; they are node:http clients (sdk-http.ts), whose own
 * CPU cost stays small beside the server's. Both loads take a list of server URLs, so
 * postgres-server.ts runs the same ones on PostgreSQL across one and two processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { timeOrderedId } from '../src/core/id.ts';
import { ROOT } from './prepare.ts';
import { type CpuUse, withCpu } from './process-cpu.ts';
import { num, table } from './report.ts';
import { isOk, type SdkClient, sdkClient } from './sdk-http.ts';
import { builtScript } from './server-build.ts';

export const BATCH = 20;
export const CONNECTIONS = 10;

/**
 * What a load's batches hold: how many events each, and whose messageIds. `random` ids are
 * Segment's and RudderStack's (a UUID each: every insert lands at a random place of the primary-key
 * index); `time-ordered` are Omnikit's own (src/core/id.ts: later ids sort later, so they append).
 */
export interface IngestShape {
  events: number;
  ids: 'random' | 'time-ordered';
}
/** The load every server row is measured with: 20-event batches, random ids. */
export const RANDOM_IDS: IngestShape = { events: BATCH, ids: 'random' };
/** Omnikit's own SDK: 100-event batches of its time-ordered ids. */
export const OWN_IDS: IngestShape = { events: 100, ids: 'time-ordered' };
export const SECONDS = 10;
const WRITE_KEY = 'bench-write-key';

/** The `q`-th percentile of sorted `values`. */
const percentile = (values: number[], fraction: number) =>
  values[Math.min(values.length - 1, Math.floor(values.length * fraction))];

export interface Latency {
  p50: number;
  p99: number;
}
export type SyncLatency = Latency & { syncs: number; failed: number };
export interface IngestResult {
  /** Events per batch of the load. */
  events: number;
  eventsPerSecond: number;
  latency: Latency;
  batches: number;
  non2xx: number;
  errors: number;
  stored: number;
  bodyBytes: number;
}
export interface ServerResults {
  /** With the store's default, synchronous = FULL: every commit fsynced before the answer. */
  ingest: IngestResult;
  /** CPU time the server and the load generator spent on `ingest`. */
  ingestCpu: CpuUse;
  /** The same load with synchronous = NORMAL (a power cut loses the last acknowledged commits). */
  ingestNormal: IngestResult;
  sync: SyncLatency;
  /** CPU time the server and the devices' clients spent on `sync`. */
  syncCpu: CpuUse;
}

export interface Running {
  url: string;
  child: ChildProcess;
}

/** Starts bench/reference-server.ts on `db` in a child process; `env` adds to the child's environment. */
export function startServer(
  db: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Running> {
  return spawnServer('bench/reference-server.ts', [db], env, nodeArgs);
}

/**
 * Runs `script` (a path from the repository's root) with `args` in a child process (node with
 * `nodeArgs`), compiled as the real server runs in production (server-build.ts: plain JavaScript on
 * the built server package), and waits for the `{"url": ...}` line it prints once listening.
 */
export async function spawnServer(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Running> {
  const child = spawn(process.execPath, [...nodeArgs, await builtScript(script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line).url));
  });
  return { url, child };
}

export function stopServer({ child }: Running): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One batch as the Omnikit browser SDK sends it: `shape.events` track events of one visitor. */
function batchBody(shape: IngestShape): string {
  const anonymousId = randomUUID();
  const at = Date.now();
  const now = new Date(at).toISOString();
  const messageId = shape.ids === 'random' ? () => randomUUID() : () => timeOrderedId(at);
  const batch = Array.from({ length: shape.events }, (_, index) => ({
    type: 'track',
    event: 'Product Viewed',
    messageId: messageId(),
    anonymousId,
    userId: null,
    timestamp: now,
    properties: {
      product_id: `sku-${index}`,
      name: 'Trail running shoe',
      category: 'Shoes',
      price: 119.9,
      currency: 'EUR',
      quantity: 1,
    },
    context: {
      page: {
        path: '/shoes/trail',
        referrer: 'https://www.google.com/',
        search: '?utm_source=newsletter',
        title: 'Trail running shoe · Shop',
        url: 'https://shop.example/shoes/trail?utm_source=newsletter',
      },
      campaign: { source: 'newsletter' },
      channel: 'web',
      library: { name: 'omnikit', version: '0.1.0' },
      locale: 'en-US',
      timezone: 'Europe/Berlin',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      session: { id: Date.now() },
    },
  }));
  return JSON.stringify({ batch, writeKey: WRITE_KEY, sentAt: now });
}

/**
 * Posts batches to /v1/batch for SECONDS with CONNECTIONS connections in all, split evenly across
 * `urls` (several server processes behind one database: a load balancer would spread them so);
 * `stored` counts the events in the database afterwards. Latencies are every response's, from all
 * processes together, so the percentiles are those a client of the whole deployment sees.
 */
export async function ingestLoad(
  urls: string[],
  stored: () => Promise<number>,
  shape: IngestShape = RANDOM_IDS,
): Promise<IngestResult> {
  let bodyBytes = 0;
  const times: number[] = [];
  const results = await Promise.all(
    urls.map(
      (url, index) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const connections =
            Math.floor(CONNECTIONS / urls.length) + (index < CONNECTIONS % urls.length ? 1 : 0);
          const instance = autocannon(
            {
              url: `${url}/v1/batch`,
              method: 'POST',
              connections,
              duration: SECONDS,
              headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
              requests: [
                {
                  setupRequest: (request) => {
                    const body = batchBody(shape);
                    bodyBytes = body.length;
                    return { ...request, body };
                  },
                },
              ],
            },
            (error, result) => (error ? reject(error) : resolve(result)),
          );
          instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
        }),
    ),
  );
  const sum = (pick: (result: autocannon.Result) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  const ok = sum((result) => result['2xx']);
  times.sort((a, b) => a - b);
  return {
    events: shape.events,
    // Each instance's own duration: they start together, so the rates add up.
    eventsPerSecond: results.reduce(
      (total, result) => total + (result['2xx'] * shape.events) / (result.duration || SECONDS),
      0,
    ),
    latency: { p50: percentile(times, 0.5), p99: percentile(times, 0.99) },
    batches: ok,
    non2xx: sum((result) => result.non2xx),
    errors: sum((result) => result.errors + result.timeouts),
    // The schema moved: the count shows as "-".
    stored: await stored().catch(() => Number.NaN),
    bodyBytes,
  };
}

/** Counts the events in an SQLite file, read-only beside the running server. */
export async function sqliteStored(db: string): Promise<number> {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

export const DEVICES = 100;
const pad = (value: number, width: number) => value.toString(36).padStart(width, '0');

/**
 * `/v1/sync` p50/p99 with 100 devices syncing at once, each pushing one cart line per sync. With
 * several `urls` (server processes on one database) the devices are dealt out round-robin, each one
 * registering and syncing with its own process, as a sticky load balancer would keep it there.
 */
export async function syncLatency(urls: string[]): Promise<SyncLatency> {
  // As many sockets per process as devices on it: each device is its own browser, on its own connection.
  const clients = urls.map((url) => sdkClient(url, Math.ceil(DEVICES / urls.length)));
  const clientOf = (device: number) => clients[device % urls.length];
  try {
    const tokens = await Promise.all(
      Array.from({ length: DEVICES }, (_, device) => registered(clientOf(device))),
    );
    const timings: number[] = [];
    let failed = 0;
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      tokens.map(async (token, device) => {
        let cursor = '';
        for (let change = 0; Date.now() < until; change++) {
          const push = cartChange(device, change);
          const started = performance.now();
          const response = await clientOf(device).post('sync', { push, cursor }, token);
          const answer = isOk(response) ? (JSON.parse(response.text) as { cursor: string }) : undefined;
          if (!answer) {
            failed++;
            continue;
          }
          timings.push(performance.now() - started);
          cursor = answer.cursor;
        }
      }),
    );
    timings.sort((a, b) => a - b);
    return { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99), syncs: timings.length, failed };
  } finally {
    for (const client of clients) client.close();
  }
}

/** Registers a device through /v1/devices on `client`'s server; its token. */
async function registered(client: SdkClient): Promise<string> {
  const response = await client.post('devices', { writeKey: WRITE_KEY, anonymousId: randomUUID() });
  if (!isOk(response)) throw new Error(`POST /v1/devices: ${response.status} ${response.text}`);
  return (JSON.parse(response.text) as { token: string }).token;
}

/** The push of `device`'s `change`-th sync: one cart line. */
function cartChange(device: number, change: number) {
  // An HLC in the protocol's form (§3): this device's n-th change to its cart.
  const hlc = `${pad(Date.now(), 9)}-${pad(change % 46_656, 3)}-d${device}`;
  return [
    {
      doc: 'cart',
      key: `sku-${change % 5}|`,
      value: { qty: (change % 3) + 1, name: 'Trail shoe', price: 119.9 },
      hlc,
    },
  ];
}

export async function serverIngest(): Promise<ServerResults> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-bench-'));
  try {
    // What durability costs: the same load on a fresh database with SQLite's faster setting first.
    const ingestNormal = await onServer(
      join(dir, 'normal.db'),
      { BENCH_SQLITE_SYNCHRONOUS: 'normal' },
      ({ url }, db) => ingestLoad([url], () => sqliteStored(db)),
    );
    return await onServer(join(dir, 'bench.db'), {}, async ({ url, child }, db) => {
      const [ingest, ingestCpu] = await withCpu(child.pid, () => ingestLoad([url], () => sqliteStored(db)));
      const [sync, syncCpu] = await withCpu(child.pid, () => syncLatency([url]));
      return { ingest, ingestCpu, ingestNormal, sync, syncCpu };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work` against a reference server on the SQLite file `db`, then stops the server. */
async function onServer<T>(
  db: string,
  env: Record<string, string>,
  work: (server: Running, db: string) => Promise<T>,
): Promise<T> {
  const server = await startServer(db, env);
  try {
    return await work(server, db);
  } finally {
    await stopServer(server);
  }
}

export function serverTables({ ingest, ingestNormal }: ServerResults): string {
  const ms = (latency: Latency) => `${num(latency.p50, 0)} ms / ${num(latency.p99, 0)} ms`;
  return table(
    ['measurement', 'result'],
    [
      [
        `events ingested per second (POST /v1/batch, ${BATCH} events/batch, ${CONNECTIONS} connections, ${SECONDS} s)`,
        num(ingest.eventsPerSecond, 0),
      ],
      ['batch latency p50 / p99', ms(ingest.latency)],
      [
        'the same with synchronous = NORMAL (not the default: a power cut loses the last acknowledged commits)',
        `${num(ingestNormal.eventsPerSecond, 0)} events/s, ${ms(ingestNormal.latency)}`,
      ],
      [
        'cost of synchronous = FULL (every commit fsynced before the 2xx)',
        `${num((1 - ingest.eventsPerSecond / ingestNormal.eventsPerSecond) * 100, 0)} % of throughput`,
      ],
      [
        'batches answered 2xx / non-2xx / errors',
        `${num(ingest.batches, 0)} / ${ingest.non2xx} / ${ingest.errors}`,
      ],
      [
        'events stored in SQLite (counted after the run, batches in flight at the end included)',
        num(ingest.stored, 0),
      ],
      ['batch body size', `${num(ingest.bodyBytes / 1024, 1)} KB`],
    ],
  );
}

/** How the devices talk, shared with postgres-server.ts's note. */
export const SYNC_NOTE = [
  "- /v1/sync: the devices are node:http clients in the bench's process, one keep-alive connection",
  '  each; a sync is timed from its request to its parsed answer. Earlier runs used fetch (undici):',
  '  side by side on a 2-core machine it kept 0.5-0.7 of a core busy for the same syncs (node:http',
  "  0.15-0.35) beside the server's 0.8, its p99 was 1.5-2 times longer and its p50 5-15 % longer.",
].join('\n');
