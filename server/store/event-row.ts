import {
  DEFAULT_LIST_LIMIT,
  type EventCredential,
  type EventFilter,
  type EventPage,
  type StoredEvent,
} from './types.ts';

/** An event as both stores keep it: the columns we query on, plus the client's JSON as text. */
export interface EventRow {
  site_id: string;
  message_id: string;
  type: string;
  anonymous_id: string | null;
  user_id: string | null;
  event: string | null;
  timestamp: string;
  received_at: string;
  body: string;
  credential: EventCredential;
}

/** The row of one already-validated event, sent with `credential`; `json` is its JSON when known. */
export function toEventRow(
  siteId: string,
  body: Record<string, unknown>,
  receivedAt: string,
  credential: EventCredential = 'public',
  json?: string,
): EventRow {
  const messageId = body.messageId;
  const type = body.type;
  // The server validates before storing; this guards the store against a caller that did not.
  if (typeof messageId !== 'string' || messageId === '') throw new TypeError('event without a messageId');
  if (typeof type !== 'string') throw new TypeError(`event ${messageId} without a type`);
  return {
    site_id: siteId,
    message_id: messageId,
    type,
    anonymous_id: stringOrNull(body.anonymousId),
    user_id: stringOrNull(body.userId),
    event: stringOrNull(body.event),
    // RudderStack sends the client clock as originalTimestamp only.
    timestamp: normalizeTimestamp(body.timestamp) ?? normalizeTimestamp(body.originalTimestamp) ?? receivedAt,
    received_at: receivedAt,
    body: json ?? JSON.stringify(body),
    credential,
  };
}

export function fromEventRow(row: EventRow): StoredEvent {
  return {
    siteId: row.site_id,
    messageId: row.message_id,
    type: row.type,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    event: row.event,
    timestamp: row.timestamp,
    receivedAt: row.received_at,
    credential: row.credential,
    body: JSON.parse(row.body) as Record<string, unknown>,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** ISO 8601 in UTC, so the column sorts and compares as text; null when absent or unparseable. */
export function normalizeTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * listEvents' filter as SQL: the WHERE clause, the LIMIT's placeholder, the LIMIT itself (`count`)
 * and the parameters of both;
 * `mark(n)` is the database's n-th placeholder (`?` in SQLite, `$n` in PostgreSQL), `position` the
 * column that follows insertion order (a page's `after` compares with it).
 */
export function eventFilter(
  siteId: string,
  filter: EventFilter,
  mark: (position: number) => string,
  position: 'rowid' | 'id',
): { where: string; limit: string; count: number; params: unknown[] } {
  const params: unknown[] = [siteId];
  const where = [`site_id = ${mark(1)}`];
  const conditions = [
    ['anonymous_id =', filter.anonymousId],
    ['user_id =', filter.userId],
    ['type =', filter.type],
    ['message_id =', filter.messageId],
    ['credential =', filter.credential],
    ['received_at >=', filter.receivedFrom],
    ['received_at <', filter.receivedBefore],
    [`${position} >`, filter.after === undefined ? undefined : Number(filter.after)],
  ] as const;
  for (const [test, value] of conditions) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${test} ${mark(params.length)}`);
  }
  const count = Number.isFinite(filter.limit) ? Math.max(0, Math.floor(filter.limit!)) : DEFAULT_LIST_LIMIT;
  params.push(count);
  return { where: where.join(' AND '), limit: mark(params.length), count, params };
}

/**
 * A page of events from rows selected with their `position` (eventFilter's column): `next` is the
 * last one's position when the page is full (there may be more), else there is none.
 */
export function eventPage(rows: (EventRow & { position: number | string })[], limit: number): EventPage {
  const last = rows.at(-1);
  return {
    events: rows.map(fromEventRow),
    ...(last && rows.length === limit ? { next: String(last.position) } : {}),
  };
}
