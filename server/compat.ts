import { batchOf, type EventExtractor, singleEventOf } from './ingest.ts';

/** One ingest route: where clients post, and how to find the events in the body. */
export interface IngestRoute {
  path: string;
  extract: EventExtractor;
}

const SINGLE_EVENT_TYPES = ['track', 'identify', 'page', 'group', 'alias', 'screen'] as const;

/**
 * Routes that let a site already running Segment's analytics.js or RudderStack's SDK point it at this
 * server unchanged (see "What real analytics clients send" in the design). Events are stored as
 * sent: RudderStack's identify keeps its traits in `context.traits`, and that is where they stay.
 */
export const COMPAT_ROUTES: IngestRoute[] = [
  // RudderStack (and any Segment HTTP API client): one event per request.
  ...SINGLE_EVENT_TYPES.map((type) => ({ path: `/v1/${type}`, extract: singleEventOf(type) })),
  // Segment analytics-next: /t /i /p /g /a one event each, /b a batch; text/plain JSON.
  { path: '/t', extract: singleEventOf('track') },
  { path: '/i', extract: singleEventOf('identify') },
  { path: '/p', extract: singleEventOf('page') },
  { path: '/g', extract: singleEventOf('group') },
  { path: '/a', extract: singleEventOf('alias') },
  { path: '/b', extract: batchOf },
  // RudderStack's sendBeacon mode: text/plain, write key in the query string, no headers.
  { path: '/beacon/v1/batch', extract: batchOf },
];
