// Part of `omnikit/server`: what a POS, an order system or a loyalty program writes for a customer,
// with the site's secret server key. Never shipped to a browser.
import type {
  Loyalty,
  LoyaltyInput,
  Order,
  OrderInput,
  ResumeLinkCreated,
  ResumeLinkRequest,
} from '../protocol/index.ts';
import { retried } from '../protocol/retry.ts';

/**
 * `order()`, `loyalty()` and `resumeLink()` of omnikit/server against the backend at `base`: each a POST retried as a
 * batch is (a network error, a 5xx or 429, with backoff and Retry-After, `maxRetries` times); a
 * refusal (a 4xx) rejects with the server's words.
 */
export function shopWrites(
  base: string,
  headers: Record<string, string>,
  doFetch: typeof fetch,
  maxRetries: number,
) {
  const write = async <T>(path: string, body: unknown): Promise<T> => {
    const { res } = await retried(
      () => doFetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
      maxRetries,
    );
    if (res.ok) return (await res.json()) as T;
    throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
  };
  const profile = (userId: string, what: string) => `/v1/profiles/${encodeURIComponent(userId)}/${what}`;
  return {
    order: (userId: string, order: OrderInput) => write<Order>(profile(userId, 'orders'), order),
    loyalty: (userId: string, balance: LoyaltyInput) => write<Loyalty>(profile(userId, 'loyalty'), balance),
    resumeLink: (userId: string, request: ResumeLinkRequest = {}) =>
      write<ResumeLinkCreated>(profile(userId, 'resume-links'), request),
  };
}
