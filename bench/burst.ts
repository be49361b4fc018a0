/**
 * Burst: 10,000 track() calls in one tight loop on a freshly loaded page (one run per SDK), then
 * wait for delivery (see BURST_QUIET_MS). Counts requests and events the collector received, and the longest task after the loop
 * until delivery ended (the loop itself runs as one task: that is "loop ms").
 */
import { type Env, type Loop, loadSdk, within } from './browser.ts';
import type { Sdk } from './peers.ts';
import { num, ratio, table } from './report.ts';

export const BURST = 10_000;
/** A page still in the loop after this stops early (and says so). */
const LOOP_CAP_MS = 10_000;
/**
 * Delivery ends when all arrived, or nothing arrived for BURST_QUIET_MS while the page's main thread
 * was idle, or after DELIVERY_MAX_MS. Longer quiet than after 1,000 events: after 10,000 an SDK
 * with a persistent outbox can write for seconds before its next request.
 */
const BURST_QUIET_MS = 10_000;
const DELIVERY_MAX_MS = 60_000;

export interface BurstResult {
  sdk: Sdk;
  calls?: number;
  loopMs?: number;
  requests?: number;
  delivered?: number;
  copies?: number;
  deliverS?: number;
  longestTaskMs?: number;
  note?: string;
  error?: string;
}

async function once(env: Env, sdk: Sdk): Promise<BurstResult> {
  const { sdkPage } = await loadSdk(env, sdk);
  try {
    let done: (loop: Loop) => void = () => {};
    const loopDone = new Promise<Loop>((resolve) => {
      done = resolve;
    });
    await sdkPage.page.exposeFunction('__benchLoopDone', (loop: Loop) => done(loop));
    env.collector.reset();
    const started = Date.now();
    // The loop's own result is not awaited: the page may stay busy (or crash) after it.
    sdkPage.page
      .evaluate(([count, cap]) => window.__bench.burst(count, cap), [BURST, LOOP_CAP_MS] as const)
      .catch(() => {});
    const loop = await within(LOOP_CAP_MS + 15_000, `${BURST} track() calls`, loopDone);
    const settled = await env.collector.settle(loop.calls, BURST_QUIET_MS, DELIVERY_MAX_MS, sdkPage.busy);
    const counts = env.collector.counts;
    // The loop is one long task by design (its length is `loopMs`); what follows is the SDK's.
    const tasks = sdkPage.crashed()
      ? null
      : await within(5000, 'page', sdkPage.longTasks(loop.start + loop.ms)).catch(() => null);
    return {
      sdk,
      calls: loop.calls,
      loopMs: loop.ms,
      requests: counts.requests,
      delivered: counts.events.size,
      copies: counts.copies,
      deliverS: counts.events.size ? (counts.lastAt - started) / 1000 : undefined,
      longestTaskMs: tasks ? Math.max(0, ...tasks.map(([, duration]) => duration)) : undefined,
      note: sdkPage.crashed()
        ? 'the page crashed after the loop'
        : !tasks
          ? `page busy (unresponsive) until the ${DELIVERY_MAX_MS / 1000} s wait ended`
          : settled === 'max'
            ? `still sending when the ${DELIVERY_MAX_MS / 1000} s wait ended`
            : undefined,
    };
  } finally {
    await sdkPage.close();
  }
}

export async function burst(env: Env, sdks: Sdk[]): Promise<BurstResult[]> {
  const results: BurstResult[] = [];
  for (const sdk of sdks) {
    try {
      results.push(await once(env, sdk));
    } catch (error) {
      results.push({ sdk, error: (error as Error).message.split('\n')[0] });
    }
    console.log(`  burst: ${sdk.label} done`);
  }
  return results;
}

export function burstTable(results: BurstResult[]): string {
  const omnikit = results[0];
  const cell = (value: number | undefined, digits = 0) => (value === undefined ? '-' : num(value, digits));
  return table(
    [
      'SDK',
      'calls',
      'loop ms',
      'longest task after loop, ms',
      '×',
      'requests',
      'delivered',
      'not delivered',
      'duplicates',
      'delivery s',
      'note',
    ],
    results.map((result) => [
      result.sdk.label,
      cell(result.calls),
      cell(result.loopMs),
      cell(result.longestTaskMs),
      result.longestTaskMs === undefined
        ? '-'
        : ratio(result.longestTaskMs, omnikit.longestTaskMs ?? Number.NaN),
      cell(result.requests),
      cell(result.delivered),
      result.delivered === undefined || result.calls === undefined
        ? '-'
        : num(result.calls - result.delivered, 0),
      result.copies === undefined || result.delivered === undefined
        ? '-'
        : num(result.copies - result.delivered, 0),
      cell(result.deliverS, 1),
      [
        result.error && `could not measure: ${result.error}`,
        result.calls !== undefined && result.calls < BURST && `loop stopped after ${LOOP_CAP_MS / 1000} s`,
        result.note,
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    'lrrrrrrrrrl',
  );
}
