import { attempt } from '../core/env.ts';
import { request } from '../core/request.ts';
import { PROFILE_ERASED } from '../protocol/erasure.ts';

/** A failed backend call: `status` 0 for a network error; `code`, the server's error code (or its words). */
export interface HttpError extends Error {
  status: number;
  code: string;
  retryAfter?: number;
}

/**
 * Calls the protocol's endpoints under `{endpoint}/v1/` (endpoint without a trailing slash): JSON in
 * and out, the device token as a Bearer header (never in a URL), and errors that carry the status
 * and the server's error code.
 */
export const createHttp =
  (endpoint: string) =>
  async <T>(path: string, body?: unknown, token?: string, method = 'POST'): Promise<T> => {
    const response = await request(`${endpoint}/v1/${path}`, {
      method,
      // JSON as text/plain, like /v1/batch: without a token that is a simple request (no preflight).
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body), // undefined stays undefined
      signal: AbortSignal.timeout?.(30_000),
    });
    const answer: { error?: { code?: string } } = attempt(() => JSON.parse(response.body), {});
    if (!response.ok) {
      const code = answer.error?.code ?? response.body.slice(0, 100);
      // Status 0: no answer at all (offline, DNS, a dropped connection), said as such, not as a status.
      const what = response.status ? `${response.status} ${code}` : `no answer (${code})`;
      throw Object.assign(new Error(`${path}: ${what}`), response, { code });
    }
    return answer as T;
  };

export type Http = ReturnType<typeof createHttp>;

/** Whether a failed call says the server erased this device (protocol §8): start as a new visitor. */
export const erased = (error: unknown): boolean =>
  (error as HttpError).status === 401 && `${(error as Error).message}`.endsWith(PROFILE_ERASED);
