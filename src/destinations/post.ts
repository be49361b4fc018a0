import { retryAfterMs, retryable } from '../core/request.ts';
import type { Delivery } from '../types.ts';

/**
 * POSTs a batch and classifies the answer: 2xx delivered; 5xx, 408, 429 and network errors worth a
 * retry; any other status permanent, so the batch is dropped rather than retried forever. (Events the
 * server refuses one by one in a 2xx fail rules the client already enforces; the server keeps them.)
 * It calls fetch itself rather than core/request.ts's request(): that one reads every answer whole,
 * which the 6 KB tracker-only bundle has no bytes for (measured).
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
  if (response.ok) return { ok: true };
  const { status } = response;
  return {
    ok: false,
    retry: retryable(status),
    status,
    retryAfter: retryAfterMs(response.headers.get('Retry-After')),
    message: `HTTP ${status} ${answer.slice(0, 200)}`,
  };
}
