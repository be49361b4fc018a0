import { TOMBSTONE_TTL_MS } from '../src/protocol/index.ts';
import type { ErrorLog } from './error-log.ts';
import { enforceRetention, type RetentionReport } from './retention.ts';
import type { Site } from './sites.ts';
import type { SweepResult, SweepStep } from './store/housekeeping-types.ts';
import type { Store } from './store/types.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** How the server's housekeeping runs, and how long what it deletes is kept first. */
export interface HousekeepingOptions {
  /** How often it runs (default 1 hour); it also runs when the server starts listening. */
  intervalMs: number;
  /** Rows one transaction looks at, per table (default 500): bounds how long a lock is held. */
  batchSize: number;
  /** Windows per table per run (default 100): bounds a run; the next run resumes where it stopped. */
  batchesPerRun: number;
  /**
   * How long a handoff is kept once it expired or was claimed (default 1 day): meanwhile its link
   * answers 410 `handoff_expired` / `handoff_used`, afterwards 404 `handoff_not_found`.
   */
  handoffGraceMs: number;
  /** How long a revoked device stays listed in the agent's 360° view (default 30 days). */
  revokedDeviceRetentionMs: number;
  /** How old an empty anonymous profile must be before it is deleted (default 1 day). */
  emptyProfileGraceMs: number;
  /** How long a delivered webhook delivery stays listed (default 7 days). */
  deliveredWebhookRetentionMs: number;
  /** How long a failed webhook delivery stays listed, to be retried by hand (default 30 days). */
  failedWebhookRetentionMs: number;
}

/** The defaults of HousekeepingOptions. */
export const DEFAULT_HOUSEKEEPING: Readonly<HousekeepingOptions> = {
  intervalMs: HOUR,
  batchSize: 500,
  batchesPerRun: 100,
  handoffGraceMs: DAY,
  revokedDeviceRetentionMs: 30 * DAY,
  emptyProfileGraceMs: DAY,
  deliveredWebhookRetentionMs: 7 * DAY,
  failedWebhookRetentionMs: 30 * DAY,
};

/** What one housekeeping run deleted; its RetentionReport part is what the sites' `retention` deleted. */
export interface HousekeepingReport extends RetentionReport {
  /** Tombstones older than the sync horizon (TOMBSTONE_TTL_MS). */
  tombstones: number;
  /** Handoffs that expired or were claimed more than `handoffGraceMs` ago. */
  handoffs: number;
  /** Devices revoked more than `revokedDeviceRetentionMs` ago. */
  devices: number;
  /** Anonymous profiles older than `emptyProfileGraceMs` with no device, record or handoff. */
  profiles: number;
  /** Webhook deliveries delivered, or failed, longer ago than their retention. */
  webhookDeliveries: number;
}

/** A running housekeeping schedule. */
export interface Housekeeping {
  /** Stops the schedule; resolves once a run in progress has stopped (between two windows). */
  stop(): Promise<void>;
}

/**
 * Runs the server's housekeeping now, then every `options.intervalMs` until `stop()`: compacts
 * tombstones, then deletes what each site's `retention` (read from `sites` at every run, so a reload
 * applies) keeps no longer (retention.ts), then ended handoffs, long-revoked devices and empty
 * anonymous profiles (in that order, so a profile freed before goes in the same run), then
 * finished webhook deliveries. A failed step is logged in `errors` (its kind, never its message) and
 * retried at the next run. `report` hears what each run deleted.
 */
export async function startHousekeeping(
  store: Store,
  now: () => number,
  options: HousekeepingOptions,
  errors: ErrorLog,
  report: (removed: HousekeepingReport) => void = logReport,
  sites: () => readonly Site[] = () => [],
): Promise<Housekeeping> {
  let stopped = false;
  // Where each sweep resumes: a table larger than one run's budget is covered over several runs.
  const cursors = new Map<string, string>();
  const sweep = async (name: string, step: (window: SweepStep) => Promise<SweepResult>): Promise<number> => {
    let removed = 0;
    try {
      for (let batch = 0; batch < options.batchesPerRun && !stopped; batch += 1) {
        const result = await step({ after: cursors.get(name) ?? '', limit: options.batchSize });
        removed += result.removed;
        cursors.set(name, result.next ?? '');
        if (result.next === null) break;
        // Let requests in between two windows (SQLite's calls block the event loop).
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      errors.report(`housekeeping: removing ${name} failed, retried next time`, error, 'housekeeping');
    }
    return removed;
  };

  // Finished deliveries only: a pending one goes when it is delivered or fails, or with its event.
  const pruneDeliveries = async (at: number): Promise<number> => {
    let removed = 0;
    for (const [status, keptMs] of [
      ['delivered', options.deliveredWebhookRetentionMs],
      ['failed', options.failedWebhookRetentionMs],
    ] as const) {
      removed += await sweep(`${status} webhook deliveries`, async (window) => {
        const gone = await store.pruneDeliveries(status, at - keptMs, window.limit);
        return { removed: gone, next: gone < window.limit ? null : '' };
      });
    }
    return removed;
  };

  const runOnce = async (): Promise<void> => {
    const at = now();
    let tombstones = 0;
    try {
      tombstones = (await store.compactTombstones(at - TOMBSTONE_TTL_MS)).removed;
    } catch (error) {
      errors.report('housekeeping: tombstone compaction failed, retried next time', error, 'housekeeping');
    }
    const retained = await enforceRetention(store, sites(), at, sweep);
    const handoffs = await sweep('handoffs', (window) =>
      store.removeEndedHandoffs(new Date(at - options.handoffGraceMs), window),
    );
    const devices = await sweep('devices', (window) =>
      store.removeRevokedDevices(new Date(at - options.revokedDeviceRetentionMs), window),
    );
    const profiles = await sweep('profiles', (window) =>
      store.removeEmptyAnonymousProfiles(new Date(at - options.emptyProfileGraceMs), window),
    );
    const webhookDeliveries = await pruneDeliveries(at);
    if (!stopped) report({ tombstones, handoffs, devices, profiles, webhookDeliveries, ...retained });
  };

  // One run at a time: a tick that comes while the last run is still going is skipped.
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running || stopped) return;
    running = runOnce().finally(() => {
      running = null;
    });
  };
  tick();
  await running;
  const timer = setInterval(tick, options.intervalMs);
  // A timer alone must not keep the process (a test, a CLI) alive.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** The default report: one line when something was deleted, none otherwise. */
function logReport(removed: HousekeepingReport): void {
  const parts = Object.entries(removed)
    .filter(([, count]) => count > 0)
    .map(([what, count]) => `${count} ${what}`);
  if (parts.length > 0) console.log(`[omnikit] housekeeping removed ${parts.join(', ')}`);
}
