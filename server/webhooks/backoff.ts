/** When a failed delivery is tried again: exponential backoff with jitter, within its retry horizon. */

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** The schedule of retries (server options `webhooks`, see WebhookOptions). */
export interface Backoff {
  /** Delay after the first failure (default 10 s); it doubles after each failure… */
  firstRetryMs: number;
  /** …up to this (default 1 hour). */
  maxRetryMs: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = { firstRetryMs: 10 * SECOND, maxRetryMs: HOUR };

/**
 * The delay before the attempt after `attempts` failed ones: firstRetryMs × 2^(attempts−1), capped,
 * then between half and all of it at random ("equal jitter"), so receivers coming back from an
 * outage are not hit by every queued delivery in the same second, and no delay is near zero.
 */
export function retryDelay(attempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const full = Math.min(backoff.firstRetryMs * 2 ** exponent, backoff.maxRetryMs);
  return Math.round(full / 2 + (random() * full) / 2);
}
