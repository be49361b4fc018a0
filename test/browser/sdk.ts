// Drives an Omnikit client in a page of its own, as a site would load it.
import { type FixtureParams, fixtureUrl, openDevice, openTab, type Tab } from './helpers.ts';

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
  await page.eval('__omnikitReady');
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
