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

/**
 * Why a handoff link cannot be made or taken: `signed_in` (this device is signed in: the customer
 * signs in on the other device instead), `used` (the link was opened already), `expired` (after about
 * 10 minutes), `unknown` (mistyped, or not this shop's), `unavailable` (no answer from the backend:
 * try again later).
 */
export type HandoffProblem = 'signed_in' | 'used' | 'expired' | 'unknown' | 'unavailable';

/** A one-time link to open on the other device. */
export interface HandoffLink {
  url: string;
  expiresAt: string;
  problem?: undefined;
}

/** A handoff that cannot be made or taken, and why. */
export interface HandoffRefused {
  problem: HandoffProblem;
  url?: undefined;
  summary?: undefined;
}

/** "Continue on another device" without logging in. */
export interface Handoff {
  /**
   * A one-time link (about 10 minutes) to open on the other device (also the data for a QR code),
   * or `{ problem }` when none can be made (`signed_in`: sign in on the other device instead).
   */
  create(): Promise<HandoffLink | HandoffRefused>;
  /**
   * The handoff this page was opened with, if any: what it would resume, and `claim()` to take it on
   * the customer's explicit confirmation (or `dismiss()`); `{ problem }` when the link cannot be taken,
   * to tell the customer. Either removes the token from the address bar (not when `unavailable`).
   */
  incoming(): Promise<IncomingHandoff | (HandoffRefused & { dismiss(): void }) | undefined>;
}

export interface IncomingHandoff {
  summary: HandoffSummary;
  claim(): Promise<boolean>;
  dismiss(): void;
  problem?: undefined;
}

/** The server's error codes a handoff call may answer, as the problem the customer is told. */
const PROBLEMS: Record<string, HandoffProblem> = {
  identified_profile: 'signed_in',
  identified_device: 'signed_in',
  handoff_used: 'used',
  handoff_expired: 'expired',
  handoff_not_found: 'unknown',
  invalid_handoff_token: 'unknown',
};

/** A handoff call: the answer, or the problem that stopped it (reported too). */
async function ask<T>(sync: Sync, path: string, body: unknown): Promise<T | HandoffProblem> {
  let problem: HandoffProblem = 'unavailable';
  const answer = await sync._call<T>(path, body, undefined, (error) => {
    problem = PROBLEMS[error.code] ?? problem;
  });
  return answer ?? problem;
}

/** Protocol §4: a one-time token for this device's profile, or the problem. */
export const token = (sync: Sync) => ask<HandoffCreated>(sync, 'handoff', {});

/** What claiming `token` would resume, without claiming it, or the problem. */
export const preview = (sync: Sync, token: string) =>
  ask<HandoffPeek>(sync, 'handoff/peek', { token } satisfies HandoffTokenRequest);

/** Moves this device to the token's profile, then syncs; false when refused (reported). */
export const claim = async (sync: Sync, token: string): Promise<boolean> =>
  !!(await sync._call<HandoffClaimed>(
    'handoff/claim',
    { token } satisfies HandoffTokenRequest,
    (claimed, adopt) => adopt(claimed.profileId),
  )) && sync.sync().then(() => true);

/** Handoff.create(): the link to open on the other device (none outside a browser page: SSR). */
export async function create(sync: Sync): Promise<HandoffLink | HandoffRefused> {
  if (!inBrowser()) return { problem: 'unavailable' };
  const made = await token(sync);
  if (typeof made === 'string') return { problem: made };
  const url = new URL(location.href);
  url.hash = `${HANDOFF_PARAM}=${made.token}`;
  return { url: url.href, expiresAt: made.expiresAt };
}

/** Handoff.incoming(): the handoff this page was opened with. */
export async function incoming(
  sync: Sync,
): Promise<IncomingHandoff | (HandoffRefused & { dismiss(): void }) | undefined> {
  const forget = () => history.replaceState(history.state, '', location.pathname + location.search);
  const given = new URLSearchParams(location.hash.slice(1)).get(HANDOFF_PARAM);
  if (!given) return undefined;
  const peek = await preview(sync, given);
  if (typeof peek === 'string') {
    // A link that can never be taken leaves the address; one the backend could not check stays.
    if (peek !== 'unavailable') forget();
    return { problem: peek, dismiss: forget };
  }
  return {
    summary: peek.summary,
    async claim() {
      forget();
      return claim(sync, given);
    },
    dismiss: forget,
  };
}
