/**
 * Main-thread cost in headless Chromium, per SDK, over several runs (the SDK order rotates between
 * runs). Each run is a fresh browser context (cold cache and storage) on the same page template; the
 * SDKs of REPEATED also get a repeat-visit row: a first page in the context loads the SDK, tracks one
 * event and waits until it is quiet (what it keeps for later visits written), then a second page is
 * measured.
 * - load + init: from inserting the script tag (after the vendor's stub) until the SDK says it is
 *   ready, and the renderer's main-thread busy time over that span (CDP TaskDuration); then the
 *   busy time from "ready" until the network was quiet for 1 s, which counts work deferred past
 *   "ready" (Omnikit's idle time-zone lookup on a first visit, settings fetches, timers);
 * - long tasks (PerformanceObserver 'longtask') from the script tag until the network goes quiet;
 * - one track(): the first call (after load has settled) and the median of 1,000 calls, each timed
 *   with performance.now();
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

/** SDKs (by id) measured on a repeat visit too. */
const REPEATED = ['omnikit', 'segment'];

export interface Run {
  loadMs: number;
  loadCpuMs: number;
  settleCpuMs: number;
  longTasks: number;
  longTaskMs: number;
  firstTrackUs: number;
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
  /** A first visit (empty storage and cache) or a repeat visit (as a first visit left them). */
  visit: 'first' | 'repeat';
  runs: Run[];
  errors: string[];
}

const labelOf = ({ sdk, visit }: SdkRuns) => (visit === 'repeat' ? `${sdk.label}, repeat visit` : sdk.label);

/**
 * Loads the SDK on a fresh context, or on a repeat visit: after a first page that loaded it, tracked
 * one event (as a visit does: what an SDK keeps for later visits may wait for one) and went quiet.
 */
async function loaded(env: Env, sdk: Sdk, visit: SdkRuns['visit']) {
  if (visit === 'first') return loadSdk(env, sdk);
  const context = await env.browser.newContext({ userAgent: env.userAgent });
  try {
    const previous = await loadSdk(env, sdk, context);
    await previous.sdkPage.page.evaluate(() => window.__bench.trackTimed(1, 1000));
    await env.collector.settle(1, 1000, 6000);
    await previous.sdkPage.page.close();
    return await loadSdk(env, sdk, context);
  } catch (error) {
    await context.close();
    throw error;
  }
}

async function once(env: Env, sdk: Sdk, visit: SdkRuns['visit']): Promise<Run> {
  const { sdkPage, t0, t1, cpuMs, settleCpuMs } = await loaded(env, sdk, visit);
  try {
    const tasks = await sdkPage.longTasks(t0);
    env.collector.reset();
    const before = await sdkPage.taskMs();
    const times = await within(
      TRACK_CAP_MS + 30_000,
      `${EVENTS} track() calls`,
      sdkPage.page.evaluate(([count, cap]) => window.__bench.trackTimed(count, cap), [
        EVENTS,
        TRACK_CAP_MS,
      ] as const),
    );
    const settled = await env.collector.settle(times.length, QUIET_MS, DELIVERY_MAX_MS, sdkPage.busy);
    const eventsCpuMs = (await sdkPage.taskMs()) - before;
    const counts = env.collector.counts;
    return {
      loadMs: t1 - t0,
      loadCpuMs: cpuMs,
      settleCpuMs,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((sum, [, duration]) => sum + duration, 0),
      firstTrackUs: times[0] * 1000,
      trackUs: median(times) * 1000,
      calls: times.length,
      eventsCpuMs,
      requests: counts.requests,
      preflights: counts.preflights,
      bytes: counts.bytes,
      delivered: counts.events.size,
      stillSending: settled === 'max' ? 1 : 0,
    };
  } finally {
    await sdkPage.close();
  }
}

/**
 * Omnikit with its default automatic page view at load (every SDK here runs without one): on a first
 * visit that event schedules the time-zone lookup, which then falls in this row's load or settling.
 */
const withPageView = (sdk: Sdk): Sdk => ({
  ...sdk,
  label: `${sdk.label}, page view at load`,
  attrs: (collector, writeKey) => ({ ...sdk.attrs?.(collector, writeKey), 'data-auto-page': 'true' }),
});

export async function mainThread(env: Env, sdks: Sdk[], runs: number): Promise<SdkRuns[]> {
  const results: SdkRuns[] = sdks.flatMap((sdk) => [
    ...(REPEATED.includes(sdk.id) ? (['first', 'repeat'] as const) : (['first'] as const)).map((visit) => ({
      sdk,
      visit,
      runs: [],
      errors: [],
    })),
    ...(sdk.id === 'omnikit'
      ? [{ sdk: withPageView(sdk), visit: 'first' as const, runs: [], errors: [] }]
      : []),
  ]);
  // Warm-up, discarded: the first page of a fresh browser pays for starting its processes.
  await (await loadSdk(env, sdks[0])).sdkPage.close();
  for (let run = 0; run < runs; run++) {
    for (let turn = 0; turn < results.length; turn++) {
      const result = results[(turn + run) % results.length];
      try {
        result.runs.push(await once(env, result.sdk, result.visit));
      } catch (error) {
        result.errors.push((error as Error).message.split('\n')[0]);
      }
    }
    console.log(`  main thread: run ${run + 1}/${runs} done`);
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
  const cell = (
    runs: Run[],
    key: keyof Run,
    digits = 1,
    show = (spread: Spread) => range(spread, digits),
  ) => {
    if (runs.length === 0) return ['-', '-'];
    const spread = pick(runs, key);
    return [show(spread), base.length ? ratio(spread.median, pick(base, key).median) : '-'];
  };
  const failed = (result: SdkRuns) =>
    result.runs.length === 0 ? `could not measure: ${result.errors[0]}` : '';
  const note = (result: SdkRuns) =>
    result.errors.length && result.runs.length
      ? `${result.errors.length} run(s) failed: ${result.errors[0]}`
      : failed(result);

  const load = table(
    [
      'SDK',
      'load + init ms',
      '×',
      'main-thread ms',
      '×',
      'then until quiet, main-thread ms',
      'long tasks',
      'long-task ms',
      'note',
    ],
    results.map((result) => [
      labelOf(result),
      ...cell(result.runs, 'loadMs'),
      ...cell(result.runs, 'loadCpuMs'),
      result.runs.length ? range(pick(result.runs, 'settleCpuMs')) : '-',
      result.runs.length ? num(pick(result.runs, 'longTasks').median, 0) : '-',
      result.runs.length ? range(pick(result.runs, 'longTaskMs'), 0) : '-',
      note(result),
    ]),
    'lrrrrrrrl',
  );
  const events = table(
    [
      'SDK',
      'first track() µs',
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
    results.map((result) => [
      labelOf(result),
      result.runs.length ? range(pick(result.runs, 'firstTrackUs')) : '-',
      ...cell(result.runs, 'trackUs'),
      ...cell(result.runs, 'eventsCpuMs'),
      ...cell(result.runs, 'requests', 0, (spread) => num(spread.median, 0)),
      ...cell(result.runs, 'bytes', 0, (spread) => kb(spread.median)),
      result.runs.length ? num(pick(result.runs, 'preflights').median, 0) : '-',
      result.runs.length ? delivered(result.runs) : '-',
      [
        result.runs.some((run) => run.calls < EVENTS) &&
          `stopped after ${num(pick(result.runs, 'calls').min, 0)} calls (${TRACK_CAP_MS / 1000} s cap)`,
        result.runs.some((run) => run.stillSending) &&
          `still sending when the ${DELIVERY_MAX_MS / 1000} s wait ended (${result.runs.filter((run) => run.stillSending).length} run(s))`,
        failed(result),
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    'lrrrrrrrrrrrl',
  );
  return `Load and initialise (cold: fresh context, empty cache and storage; a repeat visit: a second page of a context a first page left)\n\n${load}\n\n${EVENTS.toLocaleString('en-US')} track() calls, until delivered\n\n${events}`;
}
