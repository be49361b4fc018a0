/**
 * What a script-tag build does when it runs: when its <script> tag carries `data-write-key`, it
 * creates the page's client as `window.omnikit` from the tag's data attributes, then replays the
 * calls the stub snippet queued before the script arrived.
 */
import type { Omnikit, OmnikitConfig } from './types.ts';
import { withContinuity, withForms } from './version.ts';

type Queued = [keyof Omnikit, ...unknown[]];
declare global {
  interface Window {
    omnikit?: Omnikit | Queued[];
  }
}

/** Config from data attributes (data-write-key → writeKey); numbers are read by createOmnikit. */
const configOf = (data: DOMStringMap): OmnikitConfig => ({
  ...(data as unknown as OmnikitConfig),
  autoPage: data.autoPage !== 'false',
  debug: data.debug !== undefined && data.debug !== 'false',
  ...(withContinuity &&
    withForms && { forms: { sync: data.formsSync !== undefined && data.formsSync !== 'false' } }),
});

/** Boots the page's client with `create`; must run while the script tag executes (currentScript). */
export function boot(create: (config: OmnikitConfig) => Omnikit): void {
  const script =
    typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
  if (!script?.dataset.writeKey) return;
  const queued = window.omnikit;
  const client = create(configOf(script.dataset));
  window.omnikit = client;
  if (Array.isArray(queued)) {
    for (const [method, ...args] of queued) {
      const fn = client[method];
      if (typeof fn === 'function') (fn as (...values: unknown[]) => void)(...args);
    }
  }
}
