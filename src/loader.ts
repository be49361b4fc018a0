/**
 * What a script-tag build does when it runs: when its <script> tag carries `data-write-key`, it
 * creates the page's client as `window.omnikit` from the tag's data attributes, then replays the
 * calls the stub snippet queued before the script arrived.
 */
import { inBrowser } from './core/env.ts';
import type { OmnikitConfig, OmnikitTracker } from './types.ts';
import { withContinuity, withForms, withWidget } from './version.ts';
import type { WidgetConfig } from './widget/types.ts';

/** A function the page pushed: run with the client once it exists (`omnikit.push(fn)`). */
type Pushed = (client: OmnikitTracker) => unknown;
/** What the stub snippet queued: a call by name (`omnikit.track(…)`), or a function pushed. */
type Queued = [keyof OmnikitTracker, ...unknown[]] | Pushed;
declare global {
  interface Window {
    omnikit?: OmnikitTracker | Queued[];
  }
}

/**
 * The widget's options from `data-widget-*` (`data-widget-z-index` → `zIndex`, values as strings),
 * when the tag has `data-widget` (not "false"): its own object, nothing else of the tag.
 */
const widgetOf = (data: DOMStringMap): WidgetConfig | undefined => {
  if (data.widget === undefined || data.widget === 'false') return undefined;
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    if (/^widget[A-Z]/.test(name)) options[name[6].toLowerCase() + name.slice(7)] = value;
  }
  return options;
};

/** Config from data attributes (data-write-key → writeKey); numbers are read by createOmnikit. */
const configOf = (data: DOMStringMap): OmnikitConfig => ({
  ...(data as unknown as OmnikitConfig),
  autoPage: data.autoPage !== 'false',
  debug: data.debug !== undefined && data.debug !== 'false',
  // One test of the flag: the tracker-only build drops the continuity options whole.
  ...(withContinuity && {
    ...(withForms && { forms: { sync: data.formsSync !== undefined && data.formsSync !== 'false' } }),
    ...(withWidget && { widget: widgetOf(data) }),
  }),
});

/**
 * Boots the page's client with `create`; must run while the script tag executes (currentScript).
 * Replays what the stub queued, in order: calls by name, and functions pushed (`omnikit.push(fn)`),
 * which reach what the stub has no name for (`client.cart`, `forms`, `widget`, `handoff`). From then
 * on `push(fn)` runs `fn` at once, so the same page code works before and after the script arrives.
 */
export function boot(create: (config: OmnikitConfig) => OmnikitTracker): void {
  const script = inBrowser() ? (document.currentScript as HTMLScriptElement | null) : null;
  if (!script?.dataset.writeKey) return;
  const queued = window.omnikit;
  const client = create(configOf(script.dataset));
  // One queued call; after the boot, `push` takes the same (a function, or `[method, ...args]`).
  const run = (call: Queued) => {
    try {
      if (typeof call === 'function') call(client);
      else (client[call[0]] as (...args: unknown[]) => void)(...call.slice(1));
    } catch (error) {
      // The page's own error (or a method this build lacks): left to the page as an unhandled
      // rejection (its console, its error monitoring), without stopping the calls queued after it.
      void Promise.reject(error);
    }
  };
  window.omnikit = Object.assign(client, { push: run });
  if (Array.isArray(queued)) for (const call of queued) run(call);
}
