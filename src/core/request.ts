import { isRetryable } from '../protocol/index.ts';
import type { ErrorCode } from './report.ts';

export { isRetryable as retryable };

const MAX_RETRY_AFTER = 3_600_000;

/** What came back from a request: `status` 0 for a network error. */
export interface Answer {
  /** A 2xx status. */
  ok?: boolean;
  status: number;
  body: string;
  retryAfter?: number;
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date); undefined when absent. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER);
}

/**
 * The error code of a request that failed for good: refused (a 4xx) is `delivery_rejected`; no answer,
 * or a 5xx, 408 or 429, is `backend_unavailable`; no status at all means it failed before or after
 * the request, in the SDK: `internal`.
 */
export const failureCode = (status: number | undefined): ErrorCode =>
  status === undefined ? 'internal' : isRetryable(status) ? 'backend_unavailable' : 'delivery_rejected';

/** Exponential backoff with jitter: between half and all of `base · 2^(failures-1)`, capped at `max`. */
export const backoff = (failures: number, base: number, max: number): number =>
  Math.min(max, base * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);

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
