// The public types of the handoff (and resume link) flow.
import type { HandoffSummary } from '../protocol/index.ts';

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
