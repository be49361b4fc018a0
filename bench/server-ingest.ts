/**
 * Reference server: events ingested per second on SQLite. The real server (server/index.ts) runs in
 * a child process on 127.0.0.1 with a temporary database; autocannon posts batches of 20 realistic
 * Omnikit events (unique messageIds) to /v1/batch for a fixed 10 s; the stored rows are counted
 * afterwards. `/v1/sync` latency comes once sync exists: implement `syncLatency`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { ROOT } from './prepare.ts';
import { num, table } from './report.ts';

const BATCH = 20;
const CONNECTIONS = 10;
const SECONDS = 10;
const WRITE_KEY = 'bench-write-key';

interface Latency {
  p50: number;
  p99: number;
}
export interface IngestResult {
  eventsPerSecond: number;
  latency: Latency;
  batches: number;
  non2xx: number;
  errors: number;
  stored: number;
  bodyBytes: number;
}
export interface ServerResults {
  ingest: IngestResult;
  /** null until /v1/sync exists. */
  sync: Latency | null;
}

interface Running {
  url: string;
  child: ChildProcess;
}

async function startServer(db: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/reference-server.ts'), db], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`reference server exited (${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line).url));
  });
  return { url, child };
}

function stopServer({ child }: Running): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One batch as the Omnikit browser SDK sends it: 20 track events of one visitor. */
function batchBody(): string {
  const anonymousId = randomUUID();
  const now = new Date().toISOString();
  const batch = Array.from({ length: BATCH }, (_, i) => ({
    type: 'track',
    event: 'Product Viewed',
    messageId: randomUUID(),
    anonymousId,
    userId: null,
    timestamp: now,
    properties: {
      product_id: `sku-${i}`,
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

async function ingestLoad(url: string, db: string): Promise<IngestResult> {
  let bodyBytes = 0;
  const result = await autocannon({
    url: `${url}/v1/batch`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
    requests: [
      {
        setupRequest: (request) => {
          const body = batchBody();
          bodyBytes = body.length;
          return { ...request, body };
        },
      },
    ],
  });
  const ok = result['2xx'];
  let stored = Number.NaN;
  try {
    const sqlite = new Database(db, { readonly: true });
    stored = (sqlite.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    sqlite.close();
  } catch {} // the schema moved: the count shows as "-"
  return {
    eventsPerSecond: (ok * BATCH) / (result.duration || SECONDS),
    latency: { p50: result.latency.p50, p99: result.latency.p99 },
    batches: ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    stored,
    bodyBytes,
  };
}

/** `/v1/sync` p50/p99 at 100 concurrent devices. Not yet: the server has no sync endpoint. */
async function syncLatency(_url: string): Promise<Latency | null> {
  return null;
}

export async function serverIngest(): Promise<ServerResults> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-bench-'));
  const db = join(dir, 'bench.db');
  const server = await startServer(db);
  try {
    const ingest = await ingestLoad(server.url, db);
    const sync = await syncLatency(server.url);
    return { ingest, sync };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function serverTables({ ingest: r, sync }: ServerResults): string {
  const ms = (l: Latency) => `${num(l.p50, 0)} ms / ${num(l.p99, 0)} ms`;
  return table(
    ['measurement', 'result'],
    [
      [
        `events ingested per second (POST /v1/batch, ${BATCH} events/batch, ${CONNECTIONS} connections, ${SECONDS} s)`,
        num(r.eventsPerSecond, 0),
      ],
      ['batch latency p50 / p99', ms(r.latency)],
      ['batches answered 2xx / non-2xx / errors', `${num(r.batches, 0)} / ${r.non2xx} / ${r.errors}`],
      [
        'events stored in SQLite (counted after the run, batches in flight at the end included)',
        num(r.stored, 0),
      ],
      ['batch body size', `${num(r.bodyBytes / 1024, 1)} KB`],
      ['/v1/sync p50 / p99 at 100 concurrent devices', sync ? ms(sync) : 'not yet (no sync endpoint)'],
    ],
  );
}
