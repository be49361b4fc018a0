/**
 * Main-thread cost in headless Chromium, per SDK, over several runs (the SDK order rotates between
 * runs). Each run is a fresh browser context (cold cache and storage) on the same page template:
 * - load + init: from inserting the script tag (after the vendor's stub) until the SDK says it is
 *   ready, and the renderer's main-thread busy time over that span (CDP TaskDuration);
 * - long tasks (PerformanceObserver 'longtask') from the script tag until the network goes quiet;
 * - one track(): median of 1,000 calls, each timed with performance.now();
 * - 1,000 events: main-thread busy time from the first call until the collector has them all (the
 *   SDK's deferred work included), requests and bytes the collector received, events delivered.
 */
import { type Env, loadSdk, QUIET_MS, within } from './browser.ts';
import type { Sdk } from './peers.ts';
import { kb, median, num, range, ratio, type Spread, spread, table } from './report.ts';

export const EVENTS = 1000;
/** A page that needs longer than this for the 1,000 calls stops early (and says so). */
const TRACK_CAP_MS = 10_000;
const DELIVERY_MAX_MS = 30_000;

export interface Run {
  loadMs: number;
  loadCpuMs: number;
  longTasks: number;
  longTaskMs: number;
  trackUs: number;
  calls: number;
  eventsCpuMs: number;
  requests: number;
  preflights: number;
  bytes: number;
  delivered: number;
  /** 1 when the wait for delivery ran out while the SDK was still at work. */
  stillSending: number;
}

export interface SdkRuns {
  sdk: Sdk;
  runs: Run[];
  errors: string[];
}

async function once(env: Env, sdk: Sdk): Promise<Run> {
  const { p, t0, t1, cpuMs } = await loadSdk(env, sdk);
  try {
    const tasks = await p.longTasks(t0);
    env.collector.reset();
    const before = await p.taskMs();
    const times = await within(
      TRACK_CAP_MS + 30_000,
      `${EVENTS} track() calls`,
      p.page.evaluate(([n, cap]) => window.__bench.trackTimed(n, cap), [EVENTS, TRACK_CAP_MS] as const),
    );
    const settled = await env.collector.settle(times.length, QUIET_MS, DELIVERY_MAX_MS, p.busy);
    const eventsCpuMs = (await p.taskMs()) - before;
    const c = env.collector.counts;
    return {
      loadMs: t1 - t0,
      loadCpuMs: cpuMs,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((sum, [, d]) => sum + d, 0),
      trackUs: median(times) * 1000,
      calls: times.length,
      eventsCpuMs,
      requests: c.requests,
      preflights: c.preflights,
      bytes: c.bytes,
      delivered: c.events.size,
      stillSending: settled === 'max' ? 1 : 0,
    };
  } finally {
    await p.close();
  }
}

export async function mainThread(env: Env, sdks: Sdk[], runs: number): Promise<SdkRuns[]> {
  const results = sdks.map((sdk) => ({ sdk, runs: [] as Run[], errors: [] as string[] }));
  // Warm-up, discarded: the first page of a fresh browser pays for starting its processes.
  await (await loadSdk(env, sdks[0])).p.close();
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < results.length; k++) {
      const result = results[(k + r) % results.length];
      try {
        result.runs.push(await once(env, result.sdk));
      } catch (error) {
        result.errors.push((error as Error).message.split('\n')[0]);
      }
    }
    console.log(`  main thread: run ${r + 1}/${runs} done`);
  }
  return results;
}

/** Worst run: "delivered/called". */
const delivered = (runs: Run[]) => {
  const worst = runs.reduce((a, b) => (b.delivered - b.calls < a.delivered - a.calls ? b : a));
  return `${num(worst.delivered, 0)}/${num(worst.calls, 0)}`;
};

const pick = (runs: Run[], key: keyof Run): Spread => spread(runs.map((run) => run[key]));

/** Two tables: load, then 1,000 events; each cell "median (min–max)" with its ratio to Omnikit. */
export function mainThreadTables(results: SdkRuns[]): string {
  const base = results[0].runs;
  const cell = (runs: Run[], key: keyof Run, digits = 1, show = (s: Spread) => range(s, digits)) => {
    if (runs.length === 0) return ['-', '-'];
    const s = pick(runs, key);
    return [show(s), base.length ? ratio(s.median, pick(base, key).median) : '-'];
  };
  const failed = (r: SdkRuns) => (r.runs.length === 0 ? `could not measure: ${r.errors[0]}` : '');
  const note = (r: SdkRuns) =>
    r.errors.length && r.runs.length ? `${r.errors.length} run(s) failed: ${r.errors[0]}` : failed(r);

  const load = table(
    ['SDK', 'load + init ms', '×', 'main-thread ms', '×', 'long tasks', 'long-task ms', 'note'],
    results.map((r) => [
      r.sdk.label,
      ...cell(r.runs, 'loadMs'),
      ...cell(r.runs, 'loadCpuMs'),
      r.runs.length ? num(pick(r.runs, 'longTasks').median, 0) : '-',
      r.runs.length ? range(pick(r.runs, 'longTaskMs'), 0) : '-',
      note(r),
    ]),
    'lrrrrrrl',
  );
  const events = table(
    [
      'SDK',
      'track() µs',
      '×',
      'main-thread ms',
      '×',
      'requests',
      '×',
      'sent',
      '×',
      'preflights',
      'delivered (worst run)',
      'note',
    ],
    results.map((r) => [
      r.sdk.label,
      ...cell(r.runs, 'trackUs'),
      ...cell(r.runs, 'eventsCpuMs'),
      ...cell(r.runs, 'requests', 0, (s) => num(s.median, 0)),
      ...cell(r.runs, 'bytes', 0, (s) => kb(s.median)),
      r.runs.length ? num(pick(r.runs, 'preflights').median, 0) : '-',
      r.runs.length ? delivered(r.runs) : '-',
      [
        r.runs.some((run) => run.calls < EVENTS) &&
          `stopped after ${num(pick(r.runs, 'calls').min, 0)} calls (${TRACK_CAP_MS / 1000} s cap)`,
        r.runs.some((run) => run.stillSending) &&
          `still sending when the ${DELIVERY_MAX_MS / 1000} s wait ended (${r.runs.filter((run) => run.stillSending).length} run(s))`,
        failed(r),
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    'lrrrrrrrrrrl',
  );
  return `Load and initialise (cold: fresh context, empty cache and storage)\n\n${load}\n\n${EVENTS.toLocaleString('en-US')} track() calls, until delivered\n\n${events}`;
}
