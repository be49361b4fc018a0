import type { MiddlewareHandler } from 'hono';
import { fromOwnOrigin } from './console/same-origin.ts';
import { hasCorsHeaders } from './cors-headers.ts';
import { errorResponse } from './errors.ts';
import type { SiteDirectory } from './sites.ts';

// DELETE: /v1/devices/current.
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
// Sent when a preflight names no headers; covers what Segment and RudderStack send.
const DEFAULT_ALLOWED_HEADERS = 'Content-Type, Authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '86400';
/** The console and the staff APIs its page calls: the agent API, and the store API. */
const STAFF_PATH = /^\/(console|v1\/agent|v1\/store)(\/|$)/;

/**
 * CORS for every route; must run before any other middleware or route.
 *
 * A page must be able to read a refusal, or its client takes it for a network error and retries it on
 * every page load (Segment, RudderStack and Omnikit alike). So every preflight passes, for any origin
 * (a preflight carries no key, and answers nothing), and every actual response carries
 * Access-Control-Allow-Origin, errors and injected faults included. What protects the routes instead
 * is that a request from an origin no site allows is answered here, 403 `origin_not_allowed`, and
 * never reaches one: nothing runs for it and its answer holds nothing but the refusal. An origin
 * that some site allows reaches the routes, which check it against the site of the key they are
 * given. Every answer varies with Origin, for caches. `refused` hears each refused origin.
 */
export function cors(sites: SiteDirectory, refused: (origin: string) => void): MiddlewareHandler {
  return async (context, next) => {
    const origin = context.req.header('origin');
    // The console's own page calling the console or a staff API: same-origin, so no CORS answer
    // is needed, and the console's origin is no site's. Any other origin goes on as below, and the
    // console's routes refuse it themselves (server/console/same-origin.ts).
    if (origin !== undefined && STAFF_PATH.test(context.req.path) && fromOwnOrigin(context)) return next();
    if (context.req.method === 'OPTIONS' && context.req.header('access-control-request-method')) {
      return preflight(origin, context.req.header('access-control-request-headers'));
    }
    if (origin !== undefined && !sites.anyAllows(origin)) {
      refused(origin);
      return errorResponse(403, 'origin_not_allowed', `Origin ${origin} is not allowed by any site`, {
        'Access-Control-Allow-Origin': origin,
        Vary: 'Origin',
      });
    }

    await next();
    // A hot route's answer carries them already (cors-headers.ts): adding them would rebuild it.
    if (hasCorsHeaders(context.res)) return;
    context.header('Vary', 'Origin', { append: true });
    if (origin !== undefined) {
      context.header('Access-Control-Allow-Origin', origin);
      // The client must read Retry-After on a 429/503 to back off as told.
      context.header('Access-Control-Expose-Headers', 'Retry-After');
    }
  };
}

function preflight(origin: string | undefined, requestHeaders: string | undefined): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...(origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin }),
      // The answer echoes both: a cache keeps one per origin and per list of headers.
      Vary: 'Origin, Access-Control-Request-Headers',
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      // Echo: a '*' here would not cover Authorization, which Segment and RudderStack send.
      'Access-Control-Allow-Headers': requestHeaders || DEFAULT_ALLOWED_HEADERS,
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
    },
  });
}
