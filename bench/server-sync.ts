/**
 * `/v1/sync` alone (BENCH_ONLY=sync, and a table of the server section): the 100-device sync load of
 * server-ingest.ts on a fresh SQLite reference server, with the server's CPU time per call beside
 * the targets and beside this machine's sync ceiling, measured right after with the same load:
 * ceiling-server.ts parsing each push and upserting its records with the real store's statement and
 * durability, group committed (no checks, limits, quotas, streams or pages to answer). Quicker than
 * the whole server section when working on the sync path. BENCH_SYNC_PROFILE=<dir> runs the
 * reference server with `--cpu-prof` into that directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuUse, withCpu } from './process-cpu.ts';
import { num, table } from './report.ts';
import {
  DEVICES,
  type Running,
  SECONDS,
  SYNC_NOTE,
  type SyncLatency,
  spawnServer,
  startServer,
  stopServer,
  syncLatency,
} from './server-ingest.ts';

/** The tracker's targets for 100 devices syncing at once. */
export const SYNC_TARGETS = { cpuMicros: 80, p50: 8, p99: 30 };

export interface SyncResult {
  sync: SyncLatency;
  cpu: CpuUse;
}

/** Server CPU µs per answered sync (NaN when /proc cannot be read). */
export const cpuPerSync = ({ sync, cpu }: SyncResult) => (cpu.server / sync.syncs) * 1e6;

/** The sync load on a fresh SQLite reference server of its own. */
export function serverSync(): Promise<SyncResult> {
  const profile = process.env.BENCH_SYNC_PROFILE;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  return onFreshDatabase((file) => startServer(file, {}, nodeArgs));
}

/** The same load on this machine's sync ceiling (ceiling-server.ts on a fresh SQLite file). */
export function syncCeiling(): Promise<SyncResult> {
  return onFreshDatabase((file) => spawnServer('bench/ceiling-server.ts', [file]));
}

async function onFreshDatabase(start: (file: string) => Promise<Running>): Promise<SyncResult> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-bench-sync-'));
  const server = await start(join(dir, 'sync.db'));
  try {
    const [sync, cpu] = await withCpu(server.child.pid, () => syncLatency([server.url]));
    return { sync, cpu };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The reference server's figures beside their targets and beside the same run's sync ceiling. */
export function syncTable(result: SyncResult, ceiling: SyncResult): string {
  const met = (value: number, target: number) => (value <= target ? 'met' : 'missed');
  const cpuMicros = cpuPerSync(result);
  const cores = ({ cpu }: SyncResult) =>
    [cpu.server, cpu.generator, Math.max(0, cpu.others)].map((s) => num(s / cpu.wall, 2)).join(' / ');
  const row = (label: string, { sync }: SyncResult, micros: number) => [
    label,
    `${num(micros, 0)} µs`,
    `${num(sync.p50, 1)} ms / ${num(sync.p99, 1)} ms`,
    `${num(sync.syncs, 0)} / ${sync.failed}`,
  ];
  const rows = table(
    [
      `POST /v1/sync, ${DEVICES} devices syncing at once for ${SECONDS} s (one cart line pushed each)`,
      'server CPU / call',
      'p50 / p99',
      'answered / failed',
    ],
    [
      row('the reference server on SQLite', result, cpuMicros),
      row(
        'sync ceiling: Hono + JSON.parse + the same upsert, group committed, synchronous = FULL',
        ceiling,
        cpuPerSync(ceiling),
      ),
      [
        'reference server ÷ sync ceiling',
        `${(cpuMicros / cpuPerSync(ceiling)).toFixed(2)}×`,
        `${(result.sync.p50 / ceiling.sync.p50).toFixed(2)}× / ${(result.sync.p99 / ceiling.sync.p99).toFixed(2)}×`,
        '',
      ],
      [
        `target: ≤ ${SYNC_TARGETS.cpuMicros} µs, p50 ≤ ${SYNC_TARGETS.p50} ms, p99 ≤ ${SYNC_TARGETS.p99} ms`,
        met(cpuMicros, SYNC_TARGETS.cpuMicros),
        `${met(result.sync.p50, SYNC_TARGETS.p50)} / ${met(result.sync.p99, SYNC_TARGETS.p99)}`,
        '',
      ],
    ],
  );
  const busy = `- Cores busy (server / the devices, this process / rest of the machine): the reference server ${cores(result)}; the ceiling ${cores(ceiling)}.`;
  return `${rows}\n\n${busy}\n${SYNC_NOTE}`;
}
