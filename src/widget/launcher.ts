import { load } from '../chunks/load.ts';
import { createEmitter } from '../core/emitter.ts';
import { attempt, inBrowser } from '../core/env.ts';
import type { Sync } from '../sync/index.ts';
import type { Omnikit } from '../types.ts';
import type { Widget, WidgetConfig, WidgetEvents } from './types.ts';

/** What the panel chunk (src/widget/panel/index.ts) gets from the launcher. */
export interface PanelHost {
  /** The widget's shadow root, holding the launcher button. */
  root: ShadowRoot;
  button: HTMLButtonElement;
  sync: Sync;
  client: Omnikit;
  /** The widget's options; from a script tag, its `data-widget-*` attributes (values as strings). */
  config: WidgetConfig;
  writeKey: string;
  emit: <K extends keyof WidgetEvents>(type: K, value: WidgetEvents[K]) => void;
}

// Logical properties, so a right-to-left page gets the launcher on its end side too. Scoped to the
// launcher's class: the panel's elements share the shadow root.
const CSS =
  '.l{all:initial;position:fixed;inset-block-end:20px;inset-inline-end:var(--omnikit-end,20px);inset-inline-start:var(--omnikit-start,auto);z-index:var(--omnikit-z,2147483000);width:56px;height:56px;border-radius:50%;background:var(--omnikit-brand,#2454d6);color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 12px #0004}.l:focus-visible{outline:3px solid var(--omnikit-brand,#2454d6);outline-offset:3px}.l svg{width:28px;fill:currentColor}';

/**
 * The launcher: a button in a shadow root, styled by a constructable stylesheet (no inline styles, so
 * a strict CSP needs nothing). The panel is a chunk, fetched on the first open or once the browser
 * is idle, and given the running client: it never carries a second copy of the core.
 */
export function createLauncher(
  config: WidgetConfig | undefined,
  writeKey: string,
  sync: () => Sync,
  client: () => Omnikit,
  fail: (error: Error) => void,
): Widget {
  const { on, emit } = createEmitter<WidgetEvents>();
  let panel: Promise<{ show(open?: boolean): void } | undefined> | undefined;
  const code = () => {
    if (!panel) {
      const root = document.createElement('omnikit-widget').attachShadow({ mode: 'open' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      const button = document.createElement('button');
      button.ariaLabel = 'Chat';
      button.className = 'l';
      button.innerHTML =
        '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
      button.onclick = () => show();
      root.append(button);
      (document.body ?? document.documentElement).append(root.host);
      const host = { root, button, sync: sync(), client: client(), config: { ...config }, writeKey, emit };
      panel = load('widget').then(
        (chunk) => chunk.mountPanel(host),
        (error) => {
          // Tried again on the next open.
          root.host.remove();
          panel = undefined;
          return void fail(error);
        },
      );
    }
    return panel;
  };
  // Never throws into the page (nor runs outside a browser).
  const start = () => (inBrowser() ? attempt(code) : undefined);
  const show = (open?: boolean) => void start()?.then((mounted) => mounted?.show(open));
  if (config && inBrowser()) (window.requestIdleCallback ?? setTimeout)(start);
  return { open: () => show(true), close: () => show(false), toggle: () => show(), on };
}
