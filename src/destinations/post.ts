import { attempt } from '../core/env.ts';
import type { Delivery } from '../types.ts';

const MAX_RETRY_AFTER = 3_600_000;

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date); undefined when absent. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER);
}

/**
 * POSTs a body and classifies the answer: 2xx delivered; 5xx, 408, 429 and network errors worth a
 * retry; any other status is permanent, so the batch is dropped rather than retried forever.
 */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  keepalive: boolean,
): Promise<Delivery> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers, keepalive, credentials: 'omit' });
  } catch (error) {
    return { ok: false, retry: true, status: 0, message: `${error}` };
  }
  const answer = await response.text().catch(() => '');
  if (response.ok) return { ok: true, rejected: attempt(() => JSON.parse(answer).rejected, undefined) };
  const { status } = response;
  return {
    ok: false,
    retry: status >= 500 || status === 408 || status === 429,
    status,
    retryAfter: retryAfterMs(response.headers.get('Retry-After')),
    message: `HTTP ${status} ${answer.slice(0, 200)}`,
  };
}
