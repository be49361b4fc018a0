/**
 * Headless Chromium and the page every SDK is measured on. A page server on 127.0.0.1 plays the
 * shop and the SDK vendors' CDN (script files and remote settings); the collector (another origin)
 * plays their API, so every event request is cross-origin as on a real site.
 *
 * The page is cross-origin isolated (COOP/COEP) only so performance.now() has 5 µs resolution
 * instead of 100 µs. Each page opens in a fresh browser context: cold HTTP cache, empty storage.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { CHROME_FLAGS } from '../test/browser/commands/find-chrome.mjs';
import { type Collector, startCollector } from './collector.ts';
import type { Sdk } from './peers.ts';

export const WRITE_KEY = 'bench-write-key';
/** Delivery is over when the collector heard nothing, and the page did little, for this long (PostHog flushes every 3 s). */
export const QUIET_MS = 4000;

export const CHROMIUM_FLAGS = [
  ...CHROME_FLAGS,
  // navigator.webdriver stays false, as for a visitor (PostHog drops events from automated browsers).
  '--disable-blink-features=AutomationControlled',
  // Hosts other than loopback (vendor CDNs, telemetry) fail at once instead of waiting on DNS.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Page code shared by every SDK: long-task log, script loading, tracking loops. */
const HARNESS = `
window.__bench = { longTasks: [] };
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { __bench.longTasks.push([e.startTime, e.duration]); });
}).observe({ type: 'longtask', buffered: true });
__bench.props = function (i) {
  return { product_id: 'sku-42', name: 'Trail running shoe', category: 'Shoes', price: 119.9,
    currency: 'EUR', quantity: 1, n: 'bk-' + i + '-kb' };
};
/** Inserts the SDK's script tag and resolves, once it is ready, with when it started and took. */
__bench.load = function (src, attrs) {
  return new Promise(function (resolve, reject) {
    var t0 = performance.now();
    __sdk.before();
    var s = document.createElement('script');
    s.src = src;
    Object.keys(attrs).forEach(function (k) { s.setAttribute(k, attrs[k]); });
    s.onerror = function () { reject(new Error('script failed to load: ' + src)); };
    s.onload = function () {
      Promise.resolve(__sdk.ready()).then(function () {
        var t1 = performance.now();
        resolve({ t0: t0, t1: t1 });
      }, reject);
    };
    document.head.appendChild(s);
  });
};
/** Runs fn in its own page task (as a click handler would), so long-task timing sees it. */
__bench.inTask = function (fn) {
  return new Promise(function (resolve) { setTimeout(function () { resolve(fn()); }, 0); });
};
/** Tracks up to n events, timing each call; stops early after maxMs. Resolves with per-call ms. */
__bench.trackTimed = function (n, maxMs) {
  return __bench.inTask(function () {
    var times = [];
    var start = performance.now();
    for (var i = 0; i < n && performance.now() - start < maxMs; i++) {
      var p = __bench.props(i);
      var t = performance.now();
      __sdk.track(i, p);
      times.push(performance.now() - t);
    }
    return times;
  });
};
/** Tracks up to n events in one tight loop, stopping early after maxMs. Resolves with calls made, ms taken. */
__bench.burst = function (n, maxMs) {
  return __bench.inTask(function () {
    var t = performance.now();
    for (var i = 0; i < n; i++) {
      if ((i & 63) === 0 && performance.now() - t > maxMs) break;
      __sdk.track(i, __bench.props(i));
    }
    var result = { start: t, calls: i, ms: performance.now() - t };
    // Reported at once through a Playwright binding: the page may stay busy long after the loop.
    if (window.__benchLoopDone) window.__benchLoopDone(result);
    return result;
  });
};
`;

/**
 * Console calls are no-ops in the page unless BENCH_DEBUG is set: Playwright listens to the console
 * over CDP, which makes each call far dearer than in a visitor's browser (PostHog logs once per
 * rate-limited event).
 */
const MUTE_CONSOLE = `['log','info','warn','error','debug'].forEach(function (m) { console[m] = function () {}; });`;

function pageHtml(sdk: Sdk, collector: string, cdn: string): string {
  const vars = `var C=${JSON.stringify(collector)},K=${JSON.stringify(WRITE_KEY)},CDN=${JSON.stringify(cdn)};`;
  const snippet = `${vars}
window.__sdk = {
  before: function () { ${sdk.before ?? ''} },
  ready: function () { return ${sdk.ready}; },
  track: function (i, p) { ${sdk.track}; }
};`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trail running shoe · Bench shop</title>
<script>${process.env.BENCH_DEBUG ? '' : MUTE_CONSOLE}${HARNESS}</script>
<script>${snippet}</script>
</head><body>
<header><a href="/">Bench shop</a> <nav><a href="/shoes">Shoes</a> <a href="/cart">Cart (0)</a></nav></header>
<main><h1>Trail running shoe</h1><p>Light, grippy, 119.90 €.</p>
<label>Size <select><option>41</option><option>42</option><option>43</option></select></label>
<button type="button">Add to cart</button></main>
</body></html>`;
}

export interface Env {
  browser: Browser;
  collector: Collector;
  pageOrigin: string;
  userAgent: string;
  chromiumVersion: string;
  close(): Promise<void>;
}

/** Starts the collector, the page server (for these SDKs) and Chromium. */
export async function openEnv(sdks: Sdk[]): Promise<Env> {
  const collector = await startCollector(Object.assign({}, ...sdks.map((sdk) => sdk.api ?? {})));
  const scripts = new Map<string, string>();
  for (const sdk of sdks) scripts.set(sdk.id, await sdk.script());
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (process.env.BENCH_DEBUG) console.log(`page server: ${req.method} ${req.url}`);
    const [, kind, id, ...rest] = url.pathname.split('/');
    const sdk = sdks.find((s) => s.id === id);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    };
    if (!sdk) return send(url.pathname === '/favicon.ico' ? 204 : 404, 'text/plain', '');
    const origin = `http://${req.headers.host}`;
    const cdn = `${origin}/cdn/${sdk.id}`;
    if (kind === 'page') return send(200, 'text/html; charset=utf-8', pageHtml(sdk, collector.url, cdn));
    if (kind === 'sdk') return send(200, 'text/javascript', await readFile(scripts.get(sdk.id)!));
    if (kind === 'cdn') {
      const path = `/${rest.join('/')}`;
      const answers = sdk.cdn?.(collector.url, WRITE_KEY) ?? {};
      const key = Object.keys(answers).find((k) => path === k || path.startsWith(k));
      if (key) return send(200, 'application/json', JSON.stringify(answers[key]));
      for (const [prefix, dir] of Object.entries(sdk.cdnFiles?.() ?? {})) {
        if (!path.startsWith(prefix)) continue;
        const file = normalize(join(dir, path.slice(prefix.length)));
        if (file.startsWith(dir)) return send(200, 'text/javascript', await readFile(file).catch(() => ''));
      }
      return send(200, 'application/json', '{}');
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pageOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  // A visitor's user agent (PostHog drops events from "HeadlessChrome").
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version().split('.')[0]}.0.0.0 Safari/537.36`;
  return {
    browser,
    collector,
    pageOrigin,
    userAgent,
    chromiumVersion: browser.version(),
    close: async () => {
      await browser.close();
      await closeServer(server);
      await collector.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** One SDK's page in a fresh context, with the SDK not loaded yet. */
export interface SdkPage {
  page: Page;
  /** Main-thread busy time of the page's renderer so far (CDP TaskDuration), in ms. */
  taskMs(): Promise<number>;
  /** Inserts the script tag; resolves with its page-clock start and ready times. */
  load(): Promise<{ t0: number; t1: number }>;
  /** Whether the renderer crashed. */
  crashed(): boolean;
  /** Whether the main thread was over half busy since the last call (or does not answer within 1 s). */
  busy(): Promise<boolean>;
  /** Long tasks [start, duration] the page observed between two page-clock times. */
  longTasks(from: number, to?: number): Promise<[number, number][]>;
  close(): Promise<void>;
}

/**
 * Opens the SDK's page in a fresh context, or in `context` (a repeat visit: its storage and HTTP cache
 * as a previous page left them). `close()` closes the context too.
 */
export async function openSdkPage(env: Env, sdk: Sdk, given?: BrowserContext): Promise<SdkPage> {
  const context: BrowserContext = given ?? (await env.browser.newContext({ userAgent: env.userAgent }));
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    if (process.env.BENCH_DEBUG) console.log(`[${sdk.id}] page error: ${error.message}`);
  });
  if (process.env.BENCH_DEBUG) {
    page.on('console', (message) => console.log(`[${sdk.id}] console.${message.type()}: ${message.text()}`));
    page.on('requestfailed', (request) => console.log(`[${sdk.id}] request failed: ${request.url()}`));
  }
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${env.pageOrigin}/page/${sdk.id}`);
  const attrs = sdk.attrs?.(env.collector.url, WRITE_KEY) ?? {};
  const src = `${env.pageOrigin}/sdk/${sdk.id}`;
  const taskMs = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  let sample: { at: number; task: number } | undefined;
  return {
    page,
    taskMs,
    crashed: () => crashed,
    busy: async () => {
      const at = Date.now();
      const task = await within(1000, 'metrics', taskMs()).catch(() => undefined);
      if (crashed) return false;
      if (task === undefined) return true;
      const previous = sample;
      sample = { at, task };
      return previous !== undefined && task - previous.task > 0.5 * (at - previous.at);
    },
    load: () =>
      page.evaluate(([source, attributes]) => window.__bench.load(source, attributes), [src, attrs] as const),
    longTasks: (from, to = Number.POSITIVE_INFINITY) =>
      page.evaluate(
        ([from, to]) => window.__bench.longTasks.filter(([start]) => start >= from && start <= to),
        [from, to] as const,
      ),
    close: () => context.close(),
  };
}

/** What the harness puts on window (for typing page.evaluate callbacks). */
export interface PageBench {
  longTasks: [number, number][];
  load(src: string, attrs: Record<string, string>): Promise<{ t0: number; t1: number }>;
  trackTimed(count: number, maxMs: number): Promise<number[]>;
  burst(count: number, maxMs: number): Promise<Loop>;
}
/** One tight loop of track() calls, in page-clock ms. */
export interface Loop {
  start: number;
  calls: number;
  ms: number;
}
declare global {
  interface Window {
    __bench: PageBench;
    __benchLoopDone?: (loop: Loop) => void;
  }
}

/** `promise`, or a rejection after `ms` saying what took too long. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens the SDK's page (in `context` when given: see openSdkPage), loads the SDK and waits until the
 * collector has been quiet for a while. `cpuMs`: main-thread busy time from inserting the script tag
 * until the SDK is ready; `settleCpuMs`: from then until the collector was quiet, which counts what
 * the SDK deferred past "ready" (timers, idle callbacks, first requests).
 */
export async function loadSdk(
  env: Env,
  sdk: Sdk,
  context?: BrowserContext,
): Promise<{ sdkPage: SdkPage; t0: number; t1: number; cpuMs: number; settleCpuMs: number }> {
  const sdkPage = await openSdkPage(env, sdk, context);
  try {
    env.collector.reset();
    const before = await sdkPage.taskMs();
    const { t0, t1 } = await within(15_000, 'load', sdkPage.load());
    const ready = await sdkPage.taskMs();
    // Let it finish what follows initialisation (first requests, timers) before measuring more.
    await env.collector.settle(Number.POSITIVE_INFINITY, 1000, 6000);
    const settleCpuMs = (await sdkPage.taskMs()) - ready;
    if (process.env.BENCH_DEBUG)
      console.log(`[${sdk.id}] collector during load:`, env.collector.counts.paths);
    return { sdkPage, t0, t1, cpuMs: ready - before, settleCpuMs };
  } catch (error) {
    await sdkPage.close();
    throw error;
  }
}
