import { DEFAULT_LIST_LIMIT, type EventCredential, type EventFilter, type StoredEvent } from './types.ts';

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

/** The row of one already-validated event, sent with `credential`. */
export function toEventRow(
  siteId: string,
  body: Record<string, unknown>,
  receivedAt: string,
  credential: EventCredential = 'public',
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
    body: JSON.stringify(body),
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
 * listEvents' filter as SQL: the WHERE clause, the LIMIT's placeholder and the parameters of both;
 * `mark(n)` is the database's n-th placeholder (`?` in SQLite, `$n` in PostgreSQL).
 */
export function eventFilter(
  siteId: string,
  filter: EventFilter,
  mark: (position: number) => string,
): { where: string; limit: string; params: unknown[] } {
  const params: unknown[] = [siteId];
  const where = [`site_id = ${mark(1)}`];
  const columns = [
    ['anonymous_id', filter.anonymousId],
    ['user_id', filter.userId],
    ['type', filter.type],
    ['message_id', filter.messageId],
    ['credential', filter.credential],
  ] as const;
  for (const [column, value] of columns) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = ${mark(params.length)}`);
  }
  params.push(Number.isFinite(filter.limit) ? Math.max(0, Math.floor(filter.limit!)) : DEFAULT_LIST_LIMIT);
  return { where: where.join(' AND '), limit: mark(params.length), params };
}
