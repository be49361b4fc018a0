import { createHash, timingSafeEqual } from 'node:crypto';
import type { Handler } from 'hono';
import { bearerToken } from '../bearer.ts';
import { errorResponse } from '../errors.ts';
import type { ServerMetrics } from './server-metrics.ts';

// Both sides hashed first: equal lengths for timingSafeEqual, and the time taken says nothing of the
// token's length either.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * `GET /metrics`: the Prometheus text format, to a scraper sending `Authorization: Bearer <token>`
 * (compared in constant time); 401 to anyone else. Reads counters only, never the database, so a
 * scrape stays cheap while the database is down (and counts that).
 */
export function metricsHandler(metrics: ServerMetrics, token: string): Handler {
  const expected = digest(token);
  return async (context) => {
    const given = bearerToken(context.req.header('authorization'));
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return errorResponse(401, 'invalid_metrics_token', 'Send "Authorization: Bearer <metrics token>"', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    return new Response(await metrics.registry.metrics(), {
      headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' },
    });
  };
}
