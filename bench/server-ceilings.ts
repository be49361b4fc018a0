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
  CONNECTIONS,
  type IngestResult,
  type IngestShape,
  ingestLoad,
  OWN_IDS,
  RANDOM_IDS,
  type Running,
  SECONDS,
  type ServerResults,
  spawnServer,
  sqliteStored,
  startServer,
  stopServer,
} from './server-ingest.ts';

export interface Measured {
  ingest: IngestResult;
  cpu: CpuUse;
}
export interface Ceilings {
  http: Measured;
  storage: Measured;
  /** Omnikit's own SDK's load (OWN_IDS): the reference server, then the storage ceiling. */
  ownIds: { reference: Measured; storage: Measured };
}

/** Measures the ceilings, one child process after the other, and the reference server on OWN_IDS. */
export async function serverCeilings(): Promise<Ceilings> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-ceiling-'));
  const file = (name: string) => join(dir, `${name}.db`);
  try {
    const http = await ceiling('http', async () => Number.NaN);
    const storage = await ceiling(file('ceiling'), () => sqliteStored(file('ceiling')));
    // Side by side, so the machine's other work weighs on both alike.
    const reference = await measured(
      await startServer(file('own')),
      () => sqliteStored(file('own')),
      OWN_IDS,
    );
    const ownStorage = await ceiling(file('own-ceiling'), () => sqliteStored(file('own-ceiling')), OWN_IDS);
    return { http, storage, ownIds: { reference, storage: ownStorage } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ingest load of `shape` on ceiling-server.ts started with `target` (`http` or an SQLite file). */
async function ceiling(
  target: string,
  stored: () => Promise<number>,
  shape?: IngestShape,
): Promise<Measured> {
  return measured(await spawnServer('bench/ceiling-server.ts', [target]), stored, shape);
}

/** The ingest load of `shape` on a running server, with its CPU time; stops the server. */
async function measured(
  server: Running,
  stored: () => Promise<number>,
  shape?: IngestShape,
): Promise<Measured> {
  try {
    const [ingest, cpu] = await withCpu(server.child.pid, () => ingestLoad([server.url], stored, shape));
    return { ingest, cpu };
  } finally {
    await stopServer(server);
  }
}

/** Server CPU per event acknowledged (2xx batches × their events), in µs. */
const cpuPerEvent = ({ ingest, cpu }: Measured) => (cpu.server / (ingest.batches * ingest.events)) * 1e6;
const cores = (seconds: number, { wall }: CpuUse) => num(seconds / wall, 2);
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-');

/** The targets: ingest within 15 % of its storage ceiling, and Omnikit's own SDK's load rate. */
export const TARGETS = { ofStorageCeiling: 0.85, ownIdsEventsPerSecond: 60_000 };

/** The ceilings and the real server (server-ingest.ts's FULL run) in one table, the targets, a note. */
export function ceilingTable(ceilings: Ceilings, sqlite: ServerResults): string {
  const { http, storage, ownIds } = ceilings;
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
  const versus = (label: string, server: Measured, ceiling: Measured) => [
    label,
    times(server.ingest.eventsPerSecond / ceiling.ingest.eventsPerSecond),
    '',
    times(cpuPerEvent(server) / cpuPerEvent(ceiling)),
    '',
    '',
    '',
  ];
  const random = `${RANDOM_IDS.events} events/batch, random ids`;
  const own = `${OWN_IDS.events} events/batch, Omnikit's time-ordered ids`;
  const rows = table(
    [
      `POST /v1/batch, ${CONNECTIONS} connections, ${SECONDS} s each`,
      'events/s',
      'batch p50 / p99',
      'server CPU µs / event',
      'server, cores busy',
      'load generator, cores busy',
      'rest of the machine, cores busy',
    ],
    [
      row(`(a) HTTP ceiling: Hono + @hono/node-server + JSON.parse, 200 \`{}\`; ${random}`, http),
      row(`(b) storage ceiling: (a) + INSERT OR IGNORE of each event into SQLite; ${random}`, storage),
      row(`the reference server on SQLite (synchronous = FULL, the row above); ${random}`, real),
      versus('reference server ÷ storage ceiling (b)', real, storage),
      versus('reference server ÷ HTTP ceiling (a)', real, http),
      row(`(c) storage ceiling, as (b); ${own}`, ownIds.storage),
      row(`the reference server on SQLite; ${own}`, ownIds.reference),
      versus('reference server ÷ storage ceiling (c)', ownIds.reference, ownIds.storage),
    ],
  );
  return `${rows}\n\n${targetTable(ceilings, real)}\n\n${notes()}`;
}

/** Each target beside what this run measured, and whether it was met. */
function targetTable({ storage, ownIds }: Ceilings, real: Measured): string {
  const ofCeiling = real.ingest.eventsPerSecond / storage.ingest.eventsPerSecond;
  const ownRate = ownIds.reference.ingest.eventsPerSecond;
  const met = (yes: boolean) => (yes ? 'met' : 'not met');
  return table(
    ['target', 'measured in this run', ''],
    [
      [
        `reference server ≥ ${TARGETS.ofStorageCeiling.toFixed(2)}× the storage ceiling (b), ${RANDOM_IDS.events} events/batch, random ids`,
        `${times(ofCeiling)} (${num(real.ingest.eventsPerSecond, 0)} of ${num(storage.ingest.eventsPerSecond, 0)} events/s)`,
        met(ofCeiling >= TARGETS.ofStorageCeiling),
      ],
      [
        `reference server ≥ ${num(TARGETS.ownIdsEventsPerSecond, 0)} events/s, ${OWN_IDS.events} events/batch, Omnikit's ids`,
        `${num(ownRate, 0)} events/s (the storage ceiling (c): ${num(ownIds.storage.ingest.eventsPerSecond, 0)})`,
        met(ownRate >= TARGETS.ownIdsEventsPerSecond),
      ],
    ],
    'lrl',
  );
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
    "- (c) and the row after it: the load of Omnikit's own SDK, 100-event batches of its messageIds, which",
    '  start with the time (src/core/id.ts) so each insert appends to the primary-key index; random ids',
    "  (Segment's and RudderStack's UUIDs) land anywhere in it. Those two run one right after the other.",
    "- CPU: the server process's user + system time during the load (from /proc), per event answered 2xx;",
    '  "cores busy" is CPU time ÷ wall time. The load generator (autocannon) runs in the bench\'s own',
    '  process on the same cores, so a server can use at most what it leaves; "rest of the machine" is',
    '  every other process and the kernel (from /proc/stat): well above 0, other work competed for the cores.',
  ].join('\n');
}
