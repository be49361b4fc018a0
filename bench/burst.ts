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
  const { p } = await loadSdk(env, sdk);
  try {
    let done: (loop: Loop) => void = () => {};
    const loopDone = new Promise<Loop>((resolve) => {
      done = resolve;
    });
    await p.page.exposeFunction('__benchLoopDone', (loop: Loop) => done(loop));
    env.collector.reset();
    const started = Date.now();
    // The loop's own result is not awaited: the page may stay busy (or crash) after it.
    p.page
      .evaluate(([n, cap]) => window.__bench.burst(n, cap), [BURST, LOOP_CAP_MS] as const)
      .catch(() => {});
    const loop = await within(LOOP_CAP_MS + 15_000, `${BURST} track() calls`, loopDone);
    const settled = await env.collector.settle(loop.calls, BURST_QUIET_MS, DELIVERY_MAX_MS, p.busy);
    const c = env.collector.counts;
    // The loop is one long task by design (its length is `loopMs`); what follows is the SDK's.
    const tasks = p.crashed()
      ? null
      : await within(5000, 'page', p.longTasks(loop.start + loop.ms)).catch(() => null);
    return {
      sdk,
      calls: loop.calls,
      loopMs: loop.ms,
      requests: c.requests,
      delivered: c.events.size,
      copies: c.copies,
      deliverS: c.events.size ? (c.lastAt - started) / 1000 : undefined,
      longestTaskMs: tasks ? Math.max(0, ...tasks.map(([, d]) => d)) : undefined,
      note: p.crashed()
        ? 'the page crashed after the loop'
        : !tasks
          ? `page busy (unresponsive) until the ${DELIVERY_MAX_MS / 1000} s wait ended`
          : settled === 'max'
            ? `still sending when the ${DELIVERY_MAX_MS / 1000} s wait ended`
            : undefined,
    };
  } finally {
    await p.close();
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
  const o = results[0];
  const n = (v: number | undefined, digits = 0) => (v === undefined ? '-' : num(v, digits));
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
    results.map((r) => [
      r.sdk.label,
      n(r.calls),
      n(r.loopMs),
      n(r.longestTaskMs),
      r.longestTaskMs === undefined ? '-' : ratio(r.longestTaskMs, o.longestTaskMs ?? Number.NaN),
      n(r.requests),
      n(r.delivered),
      r.delivered === undefined || r.calls === undefined ? '-' : num(r.calls - r.delivered, 0),
      r.copies === undefined || r.delivered === undefined ? '-' : num(r.copies - r.delivered, 0),
      n(r.deliverS, 1),
      [
        r.error && `could not measure: ${r.error}`,
        r.calls !== undefined && r.calls < BURST && `loop stopped after ${LOOP_CAP_MS / 1000} s`,
        r.note,
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    'lrrrrrrrrrl',
  );
}
