import { request, retryable } from '../core/request.ts';
import type { Delivery } from '../types.ts';

/**
 * POSTs a batch and classifies the answer: 2xx delivered; 5xx, 408, 429 and network errors worth a
 * retry; any other status permanent, so the batch is dropped rather than retried forever. (Events the
 * server refuses one by one in a 2xx fail rules the client already enforces; the server keeps them.)
 */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  keepalive: boolean,
): Promise<Delivery> {
  const {
    ok,
    status,
    body: answer,
    retryAfter,
  } = await request(url, { method: 'POST', body, headers, keepalive });
  return ok
    ? { ok: true }
    : {
        ok: false,
        retry: retryable(status),
        status,
        retryAfter,
        message: `HTTP ${status} ${answer.slice(0, 200)}`,
      };
}
