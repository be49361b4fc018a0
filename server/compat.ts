import type { Handler } from 'hono';
import { readBody } from './body.ts';
import { batchOf, type EventExtractor, singleEventOf } from './ingest.ts';

/** One ingest route: where clients post, and how to find the events in the body. */
export interface IngestRoute {
  path: string;
  extract: EventExtractor;
}

const SINGLE_EVENT_TYPES = ['track', 'identify', 'page', 'group', 'alias', 'screen'] as const;

/**
 * Segment analytics.js posts each event to `${apiHost}/${type[0]}` and batches to `/b`. Its own
 * default apiHost is `api.segment.io/v1`, so users pointing it elsewhere often write `<host>/v1`:
 * every path works with and without that prefix.
 */
const SEGMENT_PREFIXES = ['', '/v1'] as const;

/**
 * Routes that let a site already running Segment's analytics.js or RudderStack's SDK point it at this
 * server unchanged (see "What real analytics clients send" in the design). Events are stored as
 * sent: RudderStack's identify keeps its traits in `context.traits`, and that is where they stay.
 */
export const COMPAT_ROUTES: IngestRoute[] = [
  // RudderStack (and any Segment HTTP API client): one event per request.
  ...SINGLE_EVENT_TYPES.map((type) => ({ path: `/v1/${type}`, extract: singleEventOf(type) })),
  // Segment analytics-next: /t /i /p /g /a /s one event each, /b a batch; text/plain JSON.
  ...SEGMENT_PREFIXES.flatMap((prefix) => [
    ...SINGLE_EVENT_TYPES.map((type) => ({ path: `${prefix}/${type[0]}`, extract: singleEventOf(type) })),
    { path: `${prefix}/b`, extract: batchOf },
  ]),
  // RudderStack's sendBeacon mode: text/plain, write key in the query string, no headers.
  { path: '/beacon/v1/batch', extract: batchOf },
];

/** Where analytics.js posts its own metrics (`RemoteMetrics`: `{series}` to `${apiHost}/m`). */
export const METRICS_PATHS = SEGMENT_PREFIXES.map((prefix) => `${prefix}/m`);

/** analytics.js sends at most 20 counters at a time: a few KB. */
const MAX_METRICS_BYTES = 64 * 1024;

/**
 * Answers analytics.js's metrics and keeps nothing: they describe Segment's library, not the shop's
 * customers. The body is read (up to a small limit) only so the connection can be reused.
 */
export const ignoreMetricsHandler: Handler = async (context) => {
  await readBody(context, MAX_METRICS_BYTES);
  return context.body(null, 204);
};
