// Drives the widget in a page as a customer would: real clicks and keystrokes (Playwright's CSS
// selectors pierce the open shadow root), and reads what the panel shows.
import type { FixtureParams } from './helpers.ts';
import { type ClientPage, openClient } from './sdk.ts';

export const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };

/** The panel's elements, from inside a page. */
const inRoot = (selector: string) =>
  `document.querySelector('omnikit-widget')?.shadowRoot?.querySelector(${JSON.stringify(selector)})`;

export interface WidgetPage extends ClientPage {
  /** Opens the panel by clicking the launcher, and waits for it. */
  openPanel(): Promise<void>;
  /** Types `text` in the composer and presses Enter. */
  send(text: string): Promise<void>;
  /** The messages the panel shows: [who, text]. */
  shown(): Promise<[string, string][]>;
  /** The delivery note each message shows (`''` when none: delivered, or not the customer's): [text, note]. */
  notes(): Promise<[string, string][]>;
  /** The launcher's badge: the unread count it shows, 0 when hidden. */
  badge(): Promise<number>;
  /** The launcher's accessible name. */
  launcherLabel(): Promise<string>;
}

/** A page whose client has the widget (`widget` merges into its options); a new device by default. */
export async function openWidget(
  params: FixtureParams = {},
  opts: Parameters<typeof openClient>[1] = {},
): Promise<WidgetPage> {
  const page = await openClient({ ...FAST, widget: JSON.stringify({ sound: true }), ...params }, opts);
  return withWidget(page);
}

/** Adds the widget helpers to a client page. */
export function withWidget(page: ClientPage): WidgetPage {
  const waitIn = (expression: string) =>
    page.eval(`new Promise((resolve, reject) => {
      const end = Date.now() + 8000;
      const poll = () => { const v = ${expression}; if (v) resolve(true); else if (Date.now() > end) reject(new Error('timeout: ' + ${JSON.stringify(expression)})); else setTimeout(poll, 30); };
      poll();
    })`);
  return {
    ...page,
    async openPanel() {
      await waitIn(`${inRoot('button .badge')}`); // the panel chunk is mounted
      await page.act('click', 'omnikit-widget >> button[aria-expanded]');
      await waitIn(`${inRoot('.panel:not([hidden])')}`);
    },
    async send(text) {
      await page.act('fill', 'omnikit-widget >> textarea', text);
      await page.act('click', 'omnikit-widget >> button.send');
    },
    shown: () =>
      page.eval(
        `[...(${inRoot('.log')}?.children ?? [])].map((li) => [li.querySelector('.who').textContent, li.querySelector('.text').textContent])`,
      ),
    notes: () =>
      page.eval(
        `[...(${inRoot('.log')}?.children ?? [])].map((li) => [li.querySelector('.text').textContent, li.querySelector('.status')?.textContent ?? ''])`,
      ),
    badge: () =>
      page.eval(
        `(() => { const b = ${inRoot('.badge')}; return b && !b.hidden ? Number(b.textContent) : 0; })()`,
      ),
    launcherLabel: () => page.eval(`${inRoot('button')}.getAttribute('aria-label')`),
  };
}
