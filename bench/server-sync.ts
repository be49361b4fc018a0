/**
 * `/v1/sync` alone (BENCH_ONLY=sync, and a row of the server section): the 100-device sync load of
 * server-ingest.ts on a fresh SQLite reference server, with the server's CPU time per call beside
 * the tracker's targets. Quicker than the whole server section when working on the sync path.
 * BENCH_SYNC_PROFILE=<dir> runs the server with `--cpu-prof` into that directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuUse, withCpu } from './process-cpu.ts';
import { num, table } from './report.ts';
import { DEVICES, SECONDS, type SyncLatency, startServer, stopServer, syncLatency } from './server-ingest.ts';

/** The tracker's targets for 100 devices syncing at once. */
export const SYNC_TARGETS = { cpuMicros: 80, p50: 8, p99: 30 };

export interface SyncResult {
  sync: SyncLatency;
  cpu: CpuUse;
}

/** Server CPU µs per answered sync (NaN when /proc cannot be read). */
export const cpuPerSync = ({ sync, cpu }: SyncResult) => (cpu.server / sync.syncs) * 1e6;

/** The sync load on a fresh SQLite server of its own. */
export async function serverSync(): Promise<SyncResult> {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-bench-sync-'));
  const profile = process.env.BENCH_SYNC_PROFILE;
  const server = await startServer(
    join(dir, 'sync.db'),
    {},
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  );
  try {
    const [sync, cpu] = await withCpu(server.child.pid, () => syncLatency([server.url]));
    return { sync, cpu };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures beside their targets. */
export function syncTable(result: SyncResult): string {
  const { sync, cpu } = result;
  const met = (value: number, target: number) => (value <= target ? 'met' : 'missed');
  const cpuMicros = cpuPerSync(result);
  return table(
    ['measurement', 'result', 'target'],
    [
      [
        `/v1/sync server CPU per call, ${DEVICES} devices syncing at once for ${SECONDS} s`,
        `${num(cpuMicros, 0)} µs`,
        `≤ ${SYNC_TARGETS.cpuMicros} µs (${met(cpuMicros, SYNC_TARGETS.cpuMicros)})`,
      ],
      [
        '/v1/sync p50',
        `${num(sync.p50, 1)} ms`,
        `≤ ${SYNC_TARGETS.p50} ms (${met(sync.p50, SYNC_TARGETS.p50)})`,
      ],
      [
        '/v1/sync p99',
        `${num(sync.p99, 1)} ms`,
        `≤ ${SYNC_TARGETS.p99} ms (${met(sync.p99, SYNC_TARGETS.p99)})`,
      ],
      ['syncs answered / failed', `${num(sync.syncs, 0)} / ${sync.failed}`, ''],
      [
        'cores busy: server / the devices (this process) / rest of the machine',
        [cpu.server, cpu.generator, Math.max(0, cpu.others)].map((s) => num(s / cpu.wall, 2)).join(' / '),
        '',
      ],
    ],
  );
}
