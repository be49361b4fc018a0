import type { Context } from 'hono';

/**
 * Whether a request comes from a page of the server's own origin (or from no page at all: a typed
 * address, a script that sends no Origin). The browser writes Origin and Sec-Fetch-Site, a page
 * cannot: a present Origin must name the host the request was sent to (the Host header, which a
 * proxy in front must pass on), and a present Sec-Fetch-Site must say same-origin (or none).
 * SameSite=Strict alone is not enough: another origin of the same site (shop.example and
 * console.shop.example) still gets the cookie sent.
 */
export function fromOwnOrigin(context: Context): boolean {
  const fetchSite = context.req.header('sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  const origin = context.req.header('origin');
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" (a sandboxed frame, a redirect across origins) or garbage
  }
  return host !== '' && host === (context.req.header('host') ?? '').toLowerCase();
}
