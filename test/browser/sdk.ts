// Drives an Omnikit client in a page of its own, as a site would load it.
import {
  type FixtureParams,
  fixtureUrl,
  openDevice,
  openTab,
  type Tab,
  userHashOf,
  waitFor,
} from './helpers.ts';

export interface ClientPage extends Tab {
  /** Calls a client method in the page, e.g. `call('track', 'Signed Up', { plan: 'pro' })`. */
  call(method: string, ...args: unknown[]): Promise<void>;
  anonymousId(): Promise<string>;
  /** The `error` events the client emitted so far. */
  errors(): Promise<{ code: string; message: string }[]>;
}

/**
 * Opens a page with a client: by default on a new device (fresh browser context, empty storage);
 * `tab: true` opens it in the test's own context instead, sharing storage with its other tabs.
 * Options are the fixture's query parameters (see fixtureUrl); `flushInterval` etc. as strings/numbers.
 */
export async function openClient(
  params: FixtureParams = {},
  { fixture = 'esm', tab = false }: { fixture?: 'esm' | 'script-tag'; tab?: boolean } = {},
): Promise<ClientPage> {
  const page = await (tab ? openTab : openDevice)(fixtureUrl({ autoPage: false, ...params }, fixture));
  return wrap(page);
}

/** Adds the client helpers to a tab whose page loads a fixture (also after a reload). */
export async function wrap(page: Tab): Promise<ClientPage> {
  // Polled as a plain value: a promise awaited through the DevTools protocol while a freshly loaded
  // page compiles its modules was now and then collected ("Resulting promise was garbage collected").
  // Each poll marks the fixture's `__omnikitReady` outcome on the page, then reads the mark.
  const loaded = await waitFor(
    () =>
      page.eval<string | undefined>(`(
        window.__omnikitReady.then(
          () => (window.__omnikitLoaded = 'ready'),
          (error) => (window.__omnikitLoaded = 'failed: ' + error),
        ),
        window.__omnikitLoaded
      )`),
    { message: 'the fixture loaded', timeout: 30_000 },
  );
  if (loaded !== 'ready') throw new Error(`${page.id}: ${loaded}`);
  await page.eval(
    `window.__errors ??= []; omnikit.on('error', (e) => __errors.push({ code: e.code, message: e.message }))`,
  );
  return {
    ...page,
    call: (method, ...args) => page.eval(`omnikit.${method}(...${JSON.stringify(args)})`),
    anonymousId: () => page.eval('omnikit.ready().then(() => omnikit.anonymousId())'),
    errors: () => page.eval('__errors'),
  };
}

/** Counts stored events per `properties.n`: every value must appear exactly once. */
export function countBy<T>(items: T[], key: (item: T) => unknown): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** A cart line as the tests compare carts: its id and quantity. */
export type LineQuantity = [id: string, quantity: number];

/** The page's cart, read through the public API (`omnikit.cart.items()`), as sorted [id, quantity]. */
export function cartOf(page: Tab): Promise<LineQuantity[]> {
  return page.eval(
    `omnikit.cart.items().map((l) => [l.id, l.quantity]).sort(([a], [b]) => (a < b ? -1 : 1))`,
  );
}

/**
 * Calls `omnikit.identify(userId, traits, { userHash })` in the page, with the hash the site's server
 * would compute (userHashOf), or `hash` when given; `hash: null` identifies without any proof.
 */
export async function identifyIn(
  page: Tab,
  userId: string,
  { hash, traits = {} }: { hash?: string | null; traits?: Record<string, unknown> } = {},
): Promise<void> {
  const userHash = hash === undefined ? await userHashOf(userId) : hash;
  const options = userHash === null ? [] : [{ userHash }];
  await page.eval(`omnikit.identify(...${JSON.stringify([userId, traits, ...options])})`);
}

/**
 * Pages opened through `open` (clients) or `keep` (any tab), closed by `closeAll()`: call it in
 * `afterEach`, so one test's devices neither stream nor sync into the next one.
 */
export function pagePool() {
  const pages: Tab[] = [];
  return {
    open: async (...args: Parameters<typeof openClient>) => keep(await openClient(...args)),
    keep,
    async closeAll() {
      for (const page of pages.splice(0)) await page.close().catch(() => {});
    },
  };
  function keep<T extends Tab>(page: T): T {
    pages.push(page);
    return page;
  }
}
