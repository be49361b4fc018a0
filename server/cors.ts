import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';
import type { SiteDirectory } from './sites.ts';

// DELETE: /v1/devices/current.
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
// Sent when a preflight names no headers; covers what Segment and RudderStack send.
const DEFAULT_ALLOWED_HEADERS = 'Content-Type, Authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '86400';

/**
 * CORS for every route. A preflight carries no write key, so it passes when any configured site
 * allows the origin; the real request is then checked against its own site by the ingest route.
 * Every actual response, errors and injected faults included, carries Access-Control-Allow-Origin for
 * an allowed origin: without it the browser hides the status and the client re-sends (duplicates).
 */
export function cors(sites: SiteDirectory): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && sites.anyAllows(origin);

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!allowed) {
        return errorResponse(
          403,
          'origin_not_allowed',
          `Origin ${origin ?? '(none)'} is not allowed by any site`,
          {
            Vary: 'Origin',
          },
        );
      }
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': origin,
          Vary: 'Origin',
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          // Echo: a '*' here would not cover Authorization, which Segment and RudderStack send.
          'Access-Control-Allow-Headers':
            c.req.header('access-control-request-headers') || DEFAULT_ALLOWED_HEADERS,
          'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
        },
      });
    }

    await next();
    c.header('Vary', 'Origin', { append: true });
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      // The client must read Retry-After on a 429/503 to back off as told.
      c.header('Access-Control-Expose-Headers', 'Retry-After');
    }
  };
}
