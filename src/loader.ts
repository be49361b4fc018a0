/**
 * The script-tag entry (dist/omnikit.js, global `Omnikit`). When its <script> tag carries
 * `data-write-key`, it creates the page's client as `window.omnikit` from the tag's data attributes,
 * then replays the calls the stub snippet queued before the script arrived.
 */
import { createOmnikit } from './client.ts';
import type { Omnikit, OmnikitConfig } from './types.ts';

export { createOmnikit } from './client.ts';
export { version } from './version.ts';

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
});

const script = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
if (script?.dataset.writeKey) {
  const queued = window.omnikit;
  const client = createOmnikit(configOf(script.dataset));
  window.omnikit = client;
  if (Array.isArray(queued)) {
    for (const [method, ...args] of queued) {
      const fn = client[method];
      if (typeof fn === 'function') (fn as (...a: unknown[]) => void)(...args);
    }
  }
}
