import type pg from 'pg';
import { type EventRow, eventFilter, eventPage, toEventRow } from './event-row.ts';
import { type Db, transaction } from './postgres-db.ts';
import { postgresViolationStore } from './postgres-violations.ts';
import { queueDeliveries } from './postgres-webhooks.ts';
import type { EventFilter, EventLog } from './types.ts';

/**
 * Tables of the event log at version 1, as in SQLite (the key has been (site, messageId, credential)
 * since version 2, postgres-migrations.ts). `id` gives the insertion order SQLite's rowid gives. Text
 * columns that are compared or sorted use the "C" collation, so they order byte by byte like SQLite
 * and JavaScript, whatever the database's locale. The body stays text: jsonb would reorder its keys.
 */
export const EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY,
    site_id      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    type         TEXT NOT NULL,
    anonymous_id TEXT,
    user_id      TEXT,
    event        TEXT,
    timestamp    TEXT COLLATE "C" NOT NULL,
    received_at  TEXT COLLATE "C" NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (site_id, message_id)
  );
  CREATE INDEX IF NOT EXISTS events_by_anonymous_id ON events (site_id, anonymous_id);
  CREATE INDEX IF NOT EXISTS events_by_user_id ON events (site_id, user_id);
  CREATE INDEX IF NOT EXISTS events_by_id ON events (site_id, id);
`;

/** The columns of an event row, in the order the batch insert passes them. */
const COLUMNS = [
  'site_id',
  'message_id',
  'type',
  'anonymous_id',
  'user_id',
  'event',
  'timestamp',
  'received_at',
  'body',
  'credential',
] as const satisfies readonly (keyof EventRow)[];

/**
 * One statement for the whole batch (atomic on its own): one array parameter per column, rows kept in
 * batch order so `id` follows it. ON CONFLICT DO NOTHING also skips a repeat inside the batch; unlike
 * a blanket "ignore errors" it still fails on a NOT NULL violation.
 */
const INSERT = `
  INSERT INTO events (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')}
    FROM unnest(${COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(', ')}) WITH ORDINALITY
         AS batch (${COLUMNS.join(', ')}, ord)
   ORDER BY ord
  ON CONFLICT (site_id, message_id, credential) DO NOTHING`;

/** The event log on a PostgreSQL pool. */
export function postgresEventLog(pool: pg.Pool): EventLog {
  const pageEvents = async (siteId: string, filter: EventFilter) => {
    const { where, limit, count, params } = eventFilter(siteId, filter, (position) => `$${position}`, 'id');
    const { rows } = await pool.query<EventRow & { position: string }>(
      `SELECT id AS position, ${COLUMNS.join(', ')} FROM events WHERE ${where} ORDER BY id LIMIT ${limit}`,
      params,
    );
    return eventPage(rows, count);
  };
  return {
    async insertEvents(siteId, events, options = {}) {
      const receivedAt = new Date().toISOString();
      const rows = events.map((body, index) =>
        toEventRow(siteId, body, receivedAt, options.credential, options.json?.[index]),
      );
      const violations = options.violations ?? [];
      if (rows.length === 0 && violations.length === 0) return { inserted: 0, duplicates: 0 };
      const webhooks = options.webhooks;
      const queuing = webhooks?.webhooks.some((names) => names.length > 0) === true;
      const insert = async (on: Db) => {
        const { rowCount, rows: stored } = await on.query<{ message_id: string }>(
          queuing ? `${INSERT} RETURNING message_id` : INSERT,
          COLUMNS.map((column) => rows.map((row) => row[column])),
        );
        await postgresViolationStore(on).insertViolations(siteId, violations);
        if (queuing && webhooks) {
          const credential = options.credential ?? 'public';
          const messageIds = rows.map((row) => row.message_id);
          const storedIds = new Set(stored.map((row) => row.message_id));
          await queueDeliveries(on, siteId, credential, messageIds, storedIds, webhooks);
        }
        return rowCount ?? 0;
      };
      // Violations and deliveries in the same transaction: a failure stores none of them, so a
      // re-sent batch is stored whole, with its deliveries.
      const single = violations.length === 0 && !queuing;
      const inserted = single ? await insert(pool) : await transaction(pool, insert);
      return { inserted, duplicates: rows.length - inserted };
    },

    listEvents: async (siteId, filter = {}) => (await pageEvents(siteId, filter)).events,
    pageEvents: (siteId, filter = {}) => pageEvents(siteId, filter),
  };
}
