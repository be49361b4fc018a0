import { retryAfterMs } from '../destinations/post.ts';

/** A failed backend call: `status` 0 for a network error. */
export interface HttpError extends Error {
  status: number;
  retryAfter?: number;
}

/** True when the failure is worth retrying later (network, 5xx, 408, 429). */
export const retryable = ({ status: s }: HttpError): boolean => s === 0 || s >= 500 || s === 408 || s === 429;

/**
 * Calls the protocol's endpoints under `{endpoint}/v1/` (endpoint without a trailing slash): JSON in and out, the device token as a
 * Bearer header (never in a URL), and errors that carry the status and the server's error code.
 */
export const createHttp =
  (endpoint: string) =>
  async <T>(path: string, body?: unknown, token?: string, method = 'POST'): Promise<T> => {
    const fail = (status: number, message: string, retryAfter?: number): never => {
      throw Object.assign(new Error(`${path}: ${status} ${message}`), { status, retryAfter });
    };
    const r = await fetch(`${endpoint}/v1/${path}`, {
      method,
      credentials: 'omit',
      // JSON as text/plain, like /v1/batch: without a token that is a simple request (no preflight).
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body), // undefined stays undefined
      signal: AbortSignal.timeout?.(30_000),
    }).catch((error) => fail(0, `${error}`));
    const json = await r.json().catch(() => ({}));
    if (!r.ok) fail(r.status, json.error?.code ?? '', retryAfterMs(r.headers.get('Retry-After')));
    return json;
  };

export type Http = ReturnType<typeof createHttp>;
