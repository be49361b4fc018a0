import type { Sync } from '../sync/index.ts';

/** The URL fragment that carries a handoff token: never sent to a server, never in a Referer. */
const PARAM = 'omnikit-handoff';

/** "Continue on another device" without logging in. */
export interface Handoff {
  /** A one-time link (about 10 minutes) to open on the other device; also the data for a QR code. */
  create(): Promise<{ url: string; expiresAt: string } | undefined>;
  /**
   * The handoff this page was opened with, if any: what it would resume, and `claim()` to take it on
   * the customer's explicit confirmation (or `dismiss()`). Either removes the token from the address bar.
   */
  incoming(): Promise<IncomingHandoff | undefined>;
}

/** What a handoff would resume, as the server counts it. */
export interface HandoffSummary {
  cart: { lines: number; quantity: number };
}

export interface IncomingHandoff {
  summary: HandoffSummary;
  claim(): Promise<boolean>;
  dismiss(): void;
}

export function createHandoff(sync: Sync): Handoff {
  const forget = () => history.replaceState(history.state, '', location.pathname + location.search);
  return {
    async create() {
      const made = await sync.handoff.create();
      if (!made) return undefined;
      const url = new URL(location.href);
      url.hash = `${PARAM}=${made.token}`;
      return { url: url.href, expiresAt: made.expiresAt };
    },
    async incoming() {
      const token = new URLSearchParams(location.hash.slice(1)).get(PARAM);
      if (!token) return undefined;
      const summary = ((await sync.handoff.peek(token)) as { summary?: HandoffSummary } | undefined)?.summary;
      if (!summary) {
        forget(); // used, expired or unknown: reported by the sync engine
        return undefined;
      }
      return {
        summary,
        async claim() {
          forget();
          return sync.handoff.claim(token);
        },
        dismiss: forget,
      };
    },
  };
}
