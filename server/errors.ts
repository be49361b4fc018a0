import type { ErrorBody } from '../src/protocol/index.ts';
import { STORAGE_RETRY_AFTER_S } from './store/storage-failure.ts';

/** A request-level failure that maps to one HTTP status and a machine-readable code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Extra response headers, e.g. Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** A JSON error response; a plain Response so any status (even an odd injected one) is allowed. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) {
  const noBody = status === 204 || status === 205 || status === 304;
  const body: ErrorBody = { error: { code, message } };
  return new Response(noBody ? null : JSON.stringify(body), {
    status,
    headers: { ...(noBody ? {} : { 'Content-Type': 'application/json; charset=UTF-8' }), ...headers },
  });
}

/**
 * 503 `storage_unavailable` with Retry-After: the database cannot serve now, nothing was stored, the
 * client re-sends later (any route through onError, and `/ready`).
 */
export const storageUnavailable = (message: string) =>
  errorResponse(503, 'storage_unavailable', message, { 'Retry-After': String(STORAGE_RETRY_AFTER_S) });
