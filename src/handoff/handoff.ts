// A chunk (src/chunks/load.ts): loaded when a page makes or opens a handoff link. Only types and the
// fragment's name come from the core; the calls go through the sync engine's `call`, which holds the
// device token.

import { inBrowser } from '../core/env.ts';
import type {
  HandoffClaimed,
  HandoffCreated,
  HandoffPeek,
  HandoffSummary,
  HandoffTokenRequest,
} from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { HANDOFF_PARAM } from './param.ts';

export type { HandoffSummary } from '../protocol/index.ts';

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

export interface IncomingHandoff {
  summary: HandoffSummary;
  claim(): Promise<boolean>;
  dismiss(): void;
}

/** Protocol §4: a one-time token for this device's profile; undefined when refused (reported). */
export const token = (sync: Sync) => sync._call<HandoffCreated>('handoff', {});

/** What claiming `token` would resume, without claiming it; undefined when refused (reported). */
export const preview = (sync: Sync, token: string) =>
  sync._call<HandoffPeek>('handoff/peek', { token } satisfies HandoffTokenRequest);

/** Moves this device to the token's profile, then syncs; false when refused (reported). */
export const claim = async (sync: Sync, token: string): Promise<boolean> =>
  !!(await sync._call<HandoffClaimed>(
    'handoff/claim',
    { token } satisfies HandoffTokenRequest,
    (claimed, adopt) => adopt(claimed.profileId),
  )) && sync.sync().then(() => true);

/** Handoff.create(): the link to open on the other device (none outside a browser page: SSR). */
export async function create(sync: Sync): Promise<{ url: string; expiresAt: string } | undefined> {
  if (!inBrowser()) return undefined;
  const made = await token(sync);
  if (!made) return undefined;
  const url = new URL(location.href);
  url.hash = `${HANDOFF_PARAM}=${made.token}`;
  return { url: url.href, expiresAt: made.expiresAt };
}

/** Handoff.incoming(): the handoff this page was opened with. */
export async function incoming(sync: Sync): Promise<IncomingHandoff | undefined> {
  const forget = () => history.replaceState(history.state, '', location.pathname + location.search);
  const given = new URLSearchParams(location.hash.slice(1)).get(HANDOFF_PARAM);
  if (!given) return undefined;
  const summary = (await preview(sync, given))?.summary;
  if (!summary) {
    forget(); // used, expired or unknown: reported by the sync engine
    return undefined;
  }
  return {
    summary,
    async claim() {
      forget();
      return claim(sync, given);
    },
    dismiss: forget,
  };
}
