// Rows as the agent reads them back, in both stores: defensively, one row at a time, so a row that
// cannot be read becomes a placeholder (servable.ts) instead of failing the list it is part of.
import type { DeviceLastSeen, ReceivedRecord } from './agent-types.ts';
import { type EventRow, fromEventRow } from './event-row.ts';
import { isUnavailable, readStored, unavailable } from './servable.ts';
import type { StoredEvent } from './types.ts';

/** A live record row with its receive position; BIGINTs are strings in PostgreSQL. */
export interface ReceivedRow {
  doc: string;
  key: string;
  value: string;
  hlc: string;
  received_seq: number | string;
  received_at: number | string;
}

/** The columns of a ReceivedRow, for a SELECT. */
export const RECEIVED_COLUMNS = 'doc, key, value, hlc, received_seq, received_at';

export function toReceivedRecord(row: ReceivedRow): ReceivedRecord {
  return {
    doc: row.doc,
    key: row.key,
    value: readStored(row.value),
    hlc: row.hlc,
    received: Number(row.received_seq),
    receivedAt: Number(row.received_at),
  };
}

/** An event whose body is no JSON keeps its columns, with a placeholder for a body. */
export function readEventRow(row: EventRow): StoredEvent {
  try {
    return fromEventRow(row);
  } catch {
    return { ...fromEventRow({ ...row, body: '{}' }), body: { ...unavailable('unreadable') } };
  }
}

/** The newest event a device sent, as both stores select it for DeviceLastSeen. */
export interface LastSeenRow {
  anonymous_id: string;
  received_at: string;
  body: string;
}

/** Longest user agent served: real ones are a few hundred characters. */
const MAX_USER_AGENT_CHARS = 512;

/** When the device was last heard from, and its user agent if the event's body can be read. */
export function toLastSeen(row: LastSeenRow): DeviceLastSeen {
  const seen: DeviceLastSeen = { anonymousId: row.anonymous_id, at: row.received_at };
  const body = readStored(row.body);
  if (typeof body !== 'object' || body === null || isUnavailable(body)) return seen;
  const { context } = body as { context?: unknown };
  const userAgent =
    typeof context === 'object' && context !== null
      ? (context as { userAgent?: unknown }).userAgent
      : undefined;
  if (typeof userAgent === 'string' && userAgent !== '' && userAgent.length <= MAX_USER_AGENT_CHARS)
    seen.userAgent = userAgent;
  return seen;
}
