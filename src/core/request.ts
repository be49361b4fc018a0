import { isRetryable } from '../protocol/index.ts';
import { retryAfterMs } from '../protocol/retry.ts';
import type { ErrorCode } from './report.ts';

// The retry policy lives with the protocol, shared with omnikit/server's sender.
export { backoff, retryAfterMs, retryable } from '../protocol/retry.ts';

/** What came back from a request: `status` 0 for a network error. */
export interface Answer {
  /** A 2xx status. */
  ok?: boolean;
  status: number;
  body: string;
  retryAfter?: number;
}

/**
 * The error code of a request that failed for good: refused (a 4xx) is `delivery_rejected`; no answer,
 * or a 5xx, 408 or 429, is `backend_unavailable`; no status at all means it failed before or after
 * the request, in the SDK: `internal`.
 */
export const failureCode = (status: number | undefined): ErrorCode =>
  status === undefined ? 'internal' : isRetryable(status) ? 'backend_unavailable' : 'delivery_rejected';

/** One request to a backend: never throws, never sends cookies. */
export async function request(url: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(url, { credentials: 'omit', ...init });
    return {
      ok: response.ok,
      status: response.status,
      // A body cut off is a network error too: retried (sync and batches are idempotent).
      body: await response.text(),
      retryAfter: retryAfterMs(response.headers.get('Retry-After')),
    };
  } catch (error) {
    return { status: 0, body: `${error}` };
  }
}
