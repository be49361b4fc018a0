/**
 * The reference server's ingest beside this machine's ceilings, measured in the same run with the
 * same load (server-ingest.ts's ingestLoad: the same batches to POST /v1/batch, same connections and
 * duration): (a) the HTTP ceiling, Hono on @hono/node-server doing nothing but JSON.parse of the
 * body, and (b) the storage ceiling, (a) plus storing each event in SQLite with the real store's
 * durability and table (ceiling-server.ts). Each ceiling runs in its own child process as the real
 * server does, so what separates the real server from (b) is its own work: validation, limits,
 * routing, logging, metrics. The server's CPU time is read around the load (process-cpu.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuUse, withCpu } from './process-cpu.ts';
import { num, table } from './report.ts';
import {
  BATCH,
  CONNECTIONS,
  type IngestResult,
  ingestLoad,
  SECONDS,
  type ServerResults,
  spawnServer,
  sqliteStored,
  stopServer,
} from './server-ingest.ts';

export interface Measured {
  ingest: IngestResult;
  cpu: CpuUse;
}
export interface Ceilings {
  http: Measured;
  storage: Measured;
}

/** Measures both ceilings, one child process after the other. */
export async function serverCeilings(): Promise<Ceilings> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-ceiling-'));
  try {
    const http = await ceiling('http', async () => Number.NaN);
    const db = join(dir, 'ceiling.db');
    const storage = await ceiling(db, () => sqliteStored(db));
    return { http, storage };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ingest load on ceiling-server.ts started with `target` (`http` or an SQLite file). */
async function ceiling(target: string, stored: () => Promise<number>): Promise<Measured> {
  const server = await spawnServer('bench/ceiling-server.ts', [target]);
  try {
    const [ingest, cpu] = await withCpu(server.child.pid, () => ingestLoad([server.url], stored));
    return { ingest, cpu };
  } finally {
    await stopServer(server);
  }
}

/** Server CPU per event acknowledged (2xx batches × their events), in µs. */
const cpuPerEvent = ({ ingest, cpu }: Measured) => (cpu.server / (ingest.batches * ingest.events)) * 1e6;
const cores = (seconds: number, { wall }: CpuUse) => num(seconds / wall, 2);
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-');

/** The ceilings and the real server (server-ingest.ts's FULL run) in one table, with a note. */
export function ceilingTable({ http, storage }: Ceilings, sqlite: ServerResults): string {
  const real: Measured = { ingest: sqlite.ingest, cpu: sqlite.ingestCpu };
  const row = (label: string, measured: Measured) => [
    label,
    num(measured.ingest.eventsPerSecond, 0),
    `${num(measured.ingest.latency.p50, 0)} ms / ${num(measured.ingest.latency.p99, 0)} ms`,
    num(cpuPerEvent(measured), 1),
    cores(measured.cpu.server, measured.cpu),
    cores(measured.cpu.generator, measured.cpu),
    cores(Math.max(0, measured.cpu.others), measured.cpu),
  ];
  const versus = (label: string, ceiling: Measured) => [
    label,
    times(real.ingest.eventsPerSecond / ceiling.ingest.eventsPerSecond),
    '',
    times(cpuPerEvent(real) / cpuPerEvent(ceiling)),
    '',
    '',
    '',
  ];
  const rows = table(
    [
      `same load: POST /v1/batch, ${BATCH} events/batch, ${CONNECTIONS} connections, ${SECONDS} s`,
      'events/s',
      'batch p50 / p99',
      'server CPU µs / event',
      'server, cores busy',
      'load generator, cores busy',
      'rest of the machine, cores busy',
    ],
    [
      row('(a) HTTP ceiling: Hono + @hono/node-server + JSON.parse, 200 `{}`', http),
      row('(b) storage ceiling: (a) + INSERT OR IGNORE of each event into SQLite', storage),
      row('the reference server on SQLite (synchronous = FULL, the row above)', real),
      versus('reference server ÷ storage ceiling (b)', storage),
      versus('reference server ÷ HTTP ceiling (a)', http),
    ],
  );
  return `${rows}\n\n${notes()}`;
}

function notes(): string {
  return [
    "- The ceilings: what any Node server on this machine's cores can take of this load. (a) does only",
    '  what every server must, HTTP and JSON.parse, no validation and no storage; (b) adds the storage,',
    "  each event's row in the real store's events table (made by openSqliteStore: its keys and indexes)",
    '  with the same durability (WAL, synchronous = FULL, one transaction per batch, fsynced before the',
    '  200). Each is its own child process, compiled JavaScript like the real server (its built',
    '  package, as production runs it; not tsx), in this same run.',
    '- Between (b) and the reference server lies its own work: validation, write key, limits, CORS,',
    '  logging, metrics. "÷" rows: the reference server\'s events/s (and CPU per event) over the ceiling\'s.',
    "- CPU: the server process's user + system time during the load (from /proc), per event answered 2xx;",
    '  "cores busy" is CPU time ÷ wall time. The load generator (autocannon) runs in the bench\'s own',
    '  process on the same cores, so a server can use at most what it leaves; "rest of the machine" is',
    '  every other process and the kernel (from /proc/stat): well above 0, other work competed for the cores.',
  ].join('\n');
}
