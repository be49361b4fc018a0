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
import { backoff, retryAfterMs, retryable } from '../protocol/retry.ts';

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
    for (let attempt = 0; ; attempt++) {
      let wait = backoff(attempt + 1, 500, 30_000);
      let res: Response | undefined;
      try {
        res = await doFetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      } catch (error) {
        if (attempt >= maxRetries) throw new Error(`${error} after ${attempt + 1} tries`);
      }
      if (res?.ok) return (await res.json()) as T;
      if (res) {
        const text = (await res.text()).slice(0, 500);
        if (!retryable(res.status) || attempt >= maxRetries) throw new Error(`HTTP ${res.status}: ${text}`);
        wait = Math.max(wait, retryAfterMs(res.headers.get('retry-after')) ?? 0);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const profile = (userId: string, what: string) => `/v1/profiles/${encodeURIComponent(userId)}/${what}`;
  return {
    order: (userId: string, order: OrderInput) => write<Order>(profile(userId, 'orders'), order),
    loyalty: (userId: string, balance: LoyaltyInput) => write<Loyalty>(profile(userId, 'loyalty'), balance),
    resumeLink: (userId: string, request: ResumeLinkRequest = {}) =>
      write<ResumeLinkCreated>(profile(userId, 'resume-links'), request),
  };
}
