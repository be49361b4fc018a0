// Retrying a request the way every sender of this project does (the flusher, sync, the change
// stream, omnikit/server): exponential backoff with jitter, at least as long as `Retry-After` asks.
// Dependency-free, so the Node-side sender shares it with the browser.
import { isRetryable } from './errors.ts';

export { isRetryable as retryable };

/** The longest `Retry-After` honoured: a server asking for more is waited on for an hour. */
const MAX_RETRY_AFTER = 3_600_000;

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date); undefined when absent. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER);
}

/** Exponential backoff with jitter: between half and all of `base · 2^(failures-1)`, capped at `max`. */
export const backoff = (failures: number, base: number, max: number): number =>
  Math.min(max, base * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);

/**
 * The retry state of one sender: how many failures in a row, and when it may try again.
 * `fail(retryAfter)` counts a failure (one with `Retry-After` too: the next backoff is longer) and
 * sets when the next attempt may be: after `Retry-After` when the server sent one, else after the
 * backoff. `succeeded()` (and coming back online)
 * clears both. `retryAt()` is 0 when nothing holds the sender back.
 */
export function createRetry(
  base: number,
  max: number,
): [retryAt: () => number, fail: (retryAfter?: number) => void, succeeded: () => void] {
  let failures = 0;
  let retryAt = 0;
  return [
    () => retryAt,
    (retryAfter) => {
      failures++;
      retryAt = Date.now() + (retryAfter ?? backoff(failures, base, max));
    },
    () => {
      failures = retryAt = 0;
    },
  ];
}

/**
 * Calls `request` until it answers anything but a retryable status (a network error, a 5xx or 429
 * retried with backoff and at least `Retry-After`), `maxRetries` times at most, as omnikit/server
 * sends. Answers the last response (a 2xx, a refusal, or the retryable one the retries ran out on)
 * and how many tries it took; rejects with `<error> after <n> tries` when the last try failed on the
 * network.
 */
export async function retried(
  request: () => Promise<Response>,
  maxRetries: number,
): Promise<{ res: Response; tries: number }> {
  for (let attempt = 0; ; attempt++) {
    // The browser's retry policy: backoff with jitter, so many senders failing at once do not return at once.
    let wait = backoff(attempt + 1, 500, 30_000);
    try {
      const res = await request();
      if (res.ok || !isRetryable(res.status) || attempt >= maxRetries) return { res, tries: attempt + 1 };
      await res.text(); // the connection is free for the next try
      wait = Math.max(wait, retryAfterMs(res.headers.get('retry-after')) ?? 0); // seconds or an HTTP date
    } catch (error) {
      if (attempt >= maxRetries) throw new Error(`${error} after ${attempt + 1} tries`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
