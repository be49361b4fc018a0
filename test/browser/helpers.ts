// Typed access, from a browser test, to the server commands in ./commands/ (run in the test runner's
// Node process) and to the fixture pages.
import { executeServerCommand } from '@web/test-runner-commands';
import type {
  CommandName,
  CommandPayloads,
  CommandResults,
  EventFilterPayload,
  SentRequest,
  ServerStats,
  StoredEvent,
  StoredRecord,
} from './commands/protocol.ts';

declare global {
  interface Window {
    /** Set by web-test-runner.config.mjs (`testRunnerHtml`). */
    __OMNIKIT_BACKEND__?: string;
    /** Set by the test runner's `dist` group: ESM fixtures run the minified script-tag build. */
    __OMNIKIT_DIST__?: boolean;
  }
}

export type { SentRequest, ServerStats, StoredEvent, StoredRecord };

type Args<N extends CommandName> = CommandPayloads[N] extends undefined ? [] : [CommandPayloads[N]];

function command<N extends CommandName>(name: N, ...[payload]: Args<N>): Promise<CommandResults[N]> {
  return executeServerCommand<CommandResults[N], CommandPayloads[N] | undefined>(name, payload);
}

/** The write keys of the sites the test backend knows. */
export const writeKeys = { test: 'test-key', locked: 'locked-key' } as const;
/** The `test` site's identify secret (commands/backend.ts): stands in for the site's own server. */
export const TEST_SITE_SECRET = 'test-site-secret-for-browser-tests-4d1f9a7c';
/** The `test` site's server key (commands/backend.ts): stands in for the shop's own servers. */
export const TEST_SERVER_KEY = 'test-server-key-for-browser-tests-61c0f9d7ae';

/** The `test` site's console account (commands/backend.ts). */
export const TEST_CONSOLE_LOGIN = { name: 'test-agent', password: 'test-agent-password-for-browser-tests' };
/** An associate of the `test` site (commands/backend.ts): staff at the shop's till. */
export const TEST_STORE_LOGIN = {
  name: 'test-associate',
  password: 'test-associate-password-for-browser-tests',
};

export const backend = {
  /** Base URL of the real reference backend (another origin than the test page). */
  get url(): string {
    const url = window.__OMNIKIT_BACKEND__;
    if (!url) throw new Error('window.__OMNIKIT_BACKEND__ is not set: run the tests through wtr.');
    return url;
  },
};

/** Empties the store, clears faults and zeroes the stats. Call it in `beforeEach`. */
export async function resetBackend(): Promise<void> {
  await command('backend-reset');
}

/** Faults injected into the real server; each applies to the next `count` requests. */
export const fault = {
  /** `path` limits the fault to some routes, e.g. '/v1/sync' (default: every faultable route). */
  fail: (count: number, status: number, headers?: Record<string, string>, path?: string | string[]) =>
    command('backend-fault', { kind: 'fail', count, status, headers, path }).then(() => {}),
  delay: (ms: number, count?: number, path?: string | string[]) =>
    command('backend-fault', { kind: 'delay', ms, count, path }).then(() => {}),
  /**
   * Kills the connection of the next `count` requests; `after: true` stores the batch first (the response
   * is lost). Beware: Chromium silently re-sends a request whose REUSED keep-alive connection dies before
   * any response (once per idle pooled connection, up to 6, then on a fresh one), so `drop(1)` may never
   * reach the page as an error; `drop(7)` (then `clear()`) always does.
   */
  drop: (count: number, opts: { after?: boolean; path?: string | string[] } = {}) =>
    command('backend-fault', { kind: 'drop', count, after: opts.after, path: opts.path }).then(() => {}),
  /** Cuts every open /v1/stream connection now, as a proxy would; answers how many. */
  dropStreams: () => command('backend-drop-streams'),
  /** Compacts every tombstone now (the server's 30-day compaction, without the 30 days). */
  compact: () => command('backend-compact').then(() => {}),
  /** Expires every handoff link now (their 10 minutes, without the wait). */
  expireHandoffs: () => command('backend-expire-handoffs').then(() => {}),
  clear: () => command('backend-fault', { kind: 'clear' }).then(() => {}),
};

export function storedEvents(filter: EventFilterPayload = {}, siteId = 'test'): Promise<StoredEvent[]> {
  return command('backend-events', { siteId, filter });
}

export function stats(): Promise<ServerStats> {
  return command('backend-stats');
}

/** Every document record the server's database holds for a site, all profiles, tombstones included. */
export function storedRecords(siteId = 'test'): Promise<StoredRecord[]> {
  return command('backend-records', { siteId });
}

/** Closes the backend and starts a new one on the same port and database, `downMs` later. */
export async function restartBackend(downMs = 0): Promise<void> {
  await command('backend-restart', { downMs });
}

/** Takes a device (see openDevice) whose page URL contains `match` off or back on the network. */
export async function setDeviceOffline(match: string, offline: boolean): Promise<void> {
  await command('device-offline', { match, offline });
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Polls `fn` until it returns a truthy value, and returns it (so `return events.length > 1 && events`
 * yields the events), or throws when the timeout ends, with the last value or error.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeout = 5_000, interval = 50, message }: { timeout?: number; interval?: number; message?: string } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waitFor: ${message ?? fn.toString()} not true after ${timeout} ms (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export interface Tab {
  readonly id: string;
  /** Acts as a customer would, with trusted events: `act('fill', '[name=city]', 'Lyon')`. */
  act(
    action: 'fill' | 'check' | 'uncheck' | 'select' | 'click' | 'press',
    selector: string,
    value?: string | string[],
  ): Promise<void>;
  /** Every request the tab sent so far, as the browser saw it leave (across reloads). */
  requests(): Promise<SentRequest[]>;
  /** Evaluates a JS expression in the tab; promises are awaited; the result must be serialisable. */
  eval<T = unknown>(expression: string): Promise<T>;
  reload(): Promise<void>;
  /**
   * Fails the tab's later requests to URLs matching `pattern` (a RegExp source), as a network error;
   * with `hold`, leaves them hanging instead.
   */
  block(pattern: string, options?: { hold?: boolean }): Promise<void>;
  /** Lets requests that `block(pattern)` stopped through again. */
  unblock(pattern: string): Promise<void>;
  close(opts?: { runBeforeUnload?: boolean }): Promise<void>;
  /** Emulated: headless Chromium never really hides a page (see commands/tabs.ts). */
  hide(): Promise<void>;
  show(): Promise<void>;
  /** Resizes the tab's window (CSS pixels). */
  viewport(width: number, height: number): Promise<void>;
  /** Saves a screenshot as `$OMNIKIT_WTR_SHOTS/<name>.png` when that variable is set; else does nothing. */
  screenshot(name: string): Promise<void>;
  /** A picture (PNG, base64) of the element `selector` matches, as the screen shows it. */
  picture(selector: string): Promise<string>;
  /** Picks a PNG (base64) for the file input `selector` matches, as a person choosing a photo. */
  upload(selector: string, png: string): Promise<void>;
}

function tabHandle(id: string): Tab {
  return {
    id,
    async eval<T>(expression: string) {
      const answer = await command('tab-eval', { id, expression });
      if (answer.error !== undefined) throw new Error(`${id}: ${answer.error}`);
      return answer.value as T;
    },
    act: (action, selector, value) => command('tab-act', { id, action, selector, value }).then(() => {}),
    requests: () => command('tab-requests', { id }),
    reload: () => command('tab-reload', { id }).then(() => {}),
    block: (pattern, options) => command('tab-block', { id, pattern, ...options }).then(() => {}),
    unblock: (pattern) => command('tab-unblock', { id, pattern }).then(() => {}),
    close: (opts = {}) => command('tab-close', { id, ...opts }).then(() => {}),
    hide: () => command('tab-hide', { id }).then(() => {}),
    show: () => command('tab-show', { id }).then(() => {}),
    viewport: (width, height) => command('tab-viewport', { id, width, height }).then(() => {}),
    screenshot: (name) => command('tab-screenshot', { id, name }).then(() => {}),
    picture: (selector) => command('tab-picture', { id, selector }),
    upload: (selector, png) =>
      command('tab-upload', { id, selector, name: 'photo.png', mimeType: 'image/png', base64: png }).then(
        () => {},
      ),
  };
}

const absolute = (url: string) => new URL(url, location.href).href;

/** Another tab of the same site: same browser context, so it shares storage with the test page. */
export async function openTab(url: string): Promise<Tab> {
  return tabHandle(await command('tab-open', { url: absolute(url) }));
}

/** Another device: a page in a new browser context (empty storage). */
export async function openDevice(url: string): Promise<Tab> {
  return tabHandle(await command('device-open', { url: absolute(url) }));
}

/** Takes the test's browser context (its page and its tabs, not devices) off or back on the network. */
export async function setOffline(offline: boolean): Promise<void> {
  await command('context-offline', { offline });
}

export type FixtureParams = Record<string, string | number | boolean | undefined>;

/** `build=dist` for the ESM fixture when this file runs in the test runner's `dist` group. */
const distBuild = typeof window !== 'undefined' && window.__OMNIKIT_DIST__ ? 'dist' : undefined;

/**
 * Page code that imports the SDK as a module (`(await SDK_MODULE).createOmnikit`): the source, or in
 * the `dist` group the npm build (dist/omnikit.mjs: every export, properties mangled by the same map as
 * the script tags').
 */
export const SDK_MODULE = distBuild ? `import('/dist/omnikit.mjs')` : `import('/src/index.ts')`;

/**
 * URL of a fixture page that loads Omnikit, pointed at the test backend with the test site's key.
 * `script-tag`: query keys `endpoint`, `writeKey`, any `data-*` attribute, `src` (script URL) and
 * `calls` (JSON array of `[method, ...args]` made through the stub before the script loads).
 * `esm`: every other key becomes a `createOmnikit` option (values parsed as JSON when they can be).
 */
export function fixtureUrl(params: FixtureParams = {}, fixture: 'script-tag' | 'esm' = 'script-tag'): string {
  const url = new URL(`/test/fixtures/${fixture}.html`, location.origin);
  const all: FixtureParams = { endpoint: backend.url, writeKey: writeKeys.test, build: distBuild, ...params };
  for (const [key, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.href;
}

/** `hex(HMAC-SHA256(secret, userId))`: what the site's own server computes for identify. */
export async function userHashOf(userId: string, secret = TEST_SITE_SECRET): Promise<string> {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const key = await crypto.subtle.importKey('raw', bytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes(userId)));
  return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A page running the sync engine alone (`window.sync`), on a blank fixture. */
export interface SyncPage extends Tab {
  set(doc: string, key: string, value: unknown): Promise<void>;
  remove(doc: string, key: string): Promise<void>;
  /** Live entries of a document, sorted by key. */
  entries(doc: string): Promise<[string, unknown][]>;
  sync(): Promise<void>;
  /** Identifies with a correct userHash, or with `hash` when given. */
  identify(userId: string, hash?: string): Promise<{ profileId: string; wasAnonymous: boolean } | undefined>;
  /** The `error` reports so far. */
  errors(): Promise<{ code: string; message: string }[]>;
  /** A device's own network (setDeviceOffline); for a tab, the whole test context's (setOffline). */
  setOffline(offline: boolean): Promise<void>;
}

/**
 * Runs a sync engine in `page` as `window.sync` (its reports in `window.errors`, the handoff chunk as
 * `window.handoff`), started and loaded: test/fixtures/sync-page.ts from source, or in the `dist` group
 * as the script tags' pipeline builds it, with the handoff chunk the script tag fetches
 * (dist/omnikit-handoff.js, built apart: it calls the engine through a mangled property).
 */
export async function startSync(
  page: Tab,
  { anonymousId = 'localStorage.aid', retryBaseDelay = 50, retryMaxDelay = 500 } = {},
): Promise<void> {
  await page.eval(`(async () => {
    const { openSync, link } = await import(${JSON.stringify(distBuild ? '/test/built/sync-page.js' : '/test/fixtures/sync-page.ts')});
    window.handoff = ${
      distBuild
        ? `await new Promise((resolve, reject) => {
            const script = document.createElement('script');
            script.src = '/dist/omnikit-handoff.js';
            script.onload = () => resolve(OmnikitChunks.handoff);
            script.onerror = () => reject(new Error('could not load /dist/omnikit-handoff.js'));
            document.head.append(script);
          })`
        : `await import('/src/handoff/handoff.ts')`
    }; // handoff.token(sync), .preview(sync, token), .claim(sync, token)
    localStorage.aid ??= crypto.randomUUID();
    const { sync, errors } = openSync({
      writeKey: ${JSON.stringify(writeKeys.test)},
      endpoint: ${JSON.stringify(backend.url)},
      anonymousId: () => ${anonymousId},
      retryBaseDelay: ${retryBaseDelay},
      retryMaxDelay: ${retryMaxDelay},
    });
    Object.assign(window, { sync, errors, link });
    sync.start();
    await sync.ready();
  })()`);
}

/**
 * Opens a page running the sync engine alone (see startSync): a device (new context) by default, or
 * with `tab: true` a tab of the test's own context. `name` goes in the URL (see setDeviceOffline).
 */
export async function openSyncPage(
  name: string,
  { tab = false, retryBaseDelay = 50, retryMaxDelay = 500 } = {},
): Promise<SyncPage> {
  const marker = `device=${encodeURIComponent(name)}-${Math.random().toString(36).slice(2)}`;
  const url = absolute(`/test/fixtures/blank.html?${marker}`);
  const page = await (tab ? openTab : openDevice)(url);
  await startSync(page, { retryBaseDelay, retryMaxDelay });
  const js = JSON.stringify;
  return {
    ...page,
    set: (doc, key, value) => page.eval(`sync.doc(${js(doc)}).set(${js(key)}, ${js(value)})`),
    remove: (doc, key) => page.eval(`sync.doc(${js(doc)}).remove(${js(key)})`),
    entries: (doc) => page.eval(`sync.doc(${js(doc)}).entries().sort(([a], [b]) => (a < b ? -1 : 1))`),
    sync: () => page.eval('sync.sync()'),
    identify: async (userId, hash) =>
      page.eval(`link(sync, ${js(userId)}, ${js(hash ?? (await userHashOf(userId)))})`),
    errors: () => page.eval('errors'),
    setOffline: (offline) => (tab ? setOffline(offline) : setDeviceOffline(marker, offline)),
  };
}

/** Two devices (`phone`, `laptop`) identified as `user`, synced once, with their streams open. */
export async function openLinkedSyncPair(user: string): Promise<[SyncPage, SyncPage]> {
  const phone = await openSyncPage('phone');
  const laptop = await openSyncPage('laptop');
  await phone.identify(user);
  await laptop.identify(user);
  await Promise.all([phone.sync(), laptop.sync()]);
  await new Promise((resolve) => setTimeout(resolve, 300)); // streams open
  return [phone, laptop];
}

/** Waits until `page`'s `cart` document holds exactly `expected` (sorted by key). */
export const seesCart = (page: SyncPage, expected: [string, unknown][], timeout = 5000) =>
  waitFor(async () => JSON.stringify(await page.entries('cart')) === JSON.stringify(expected), {
    timeout,
    message: `${page.id} sees ${JSON.stringify(expected)}`,
  });
