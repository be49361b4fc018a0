import type { ErrorLog } from './error-log.ts';
import { TOMBSTONE_TTL_MS } from './records.ts';
import type { Store } from './store/types.ts';

/** How often a running server compacts tombstones. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Compacts tombstones past the horizon now, then every `intervalMs` until the returned `stop()`.
 * A failed run is logged (its kind, never its message) and retried at the next tick: compaction only
 * saves space.
 */
export async function startCompaction(
  store: Store,
  now: () => number,
  intervalMs: number,
  errors: ErrorLog,
): Promise<{ stop(): void }> {
  const run = async () => {
    try {
      await store.compactTombstones(now() - TOMBSTONE_TTL_MS);
    } catch (error) {
      errors.report('tombstone compaction failed, retried next time', error, 'compaction');
    }
  };
  await run();
  const timer = setInterval(run, intervalMs);
  // A timer alone must not keep the process (a test, a CLI) alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
