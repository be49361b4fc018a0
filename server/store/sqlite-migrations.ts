import { CONSENT_MIGRATION_NAME, SQLITE_CONSENT_MIGRATION_SQL } from './consent-schema.ts';
import { ERASURE_MIGRATION_NAME, ERASURE_MIGRATION_SQL } from './erasure-schema.ts';
import type { Migration } from './migrations.ts';
import {
  SQLITE_STAFF_SESSIONS_MIGRATION_SQL,
  STAFF_SESSIONS_MIGRATION_NAME,
} from './staff-session-schema.ts';
import { STORE_CODES_MIGRATION_NAME, STORE_CODES_MIGRATION_SQL } from './store-codes-schema.ts';
import { SQLITE_WEBHOOKS_MIGRATION_SQL, WEBHOOKS_MIGRATION_NAME } from './webhook-schema.ts';

/** PostgreSQL's twin is in postgres-migrations.ts, with the same version and name. */
const EVENTS_PER_CREDENTIAL = 'provenance: events deduplicated per credential, handoffs by profile';
const EVENTS_BY_RECEIVED_AT = "retention: a site's events by the time the server received them";

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The wall-clock ms of an HLC column (its first 9 characters are base 36), in SQLite's SQL. */
const hlcMs = (column: string) =>
  Array.from(
    { length: 9 },
    (_, i) => `(instr('${BASE36}', substr(${column}, ${i + 1}, 1)) - 1) * ${36 ** (8 - i)}`,
  ).join(' + ');

/** SQLite's schema changes after version 1, oldest first (see migrations.ts). */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    // An event sent with the public write key must never shadow one the shop's servers send with the
    // server key under the same messageId: the credential joins the key. SQLite cannot change a
    // primary key in place, so the table is rebuilt; rowid is copied, so arrival order survives.
    // Events stored before this version are kept as `public` (which key sent them is unknown, and
    // unverified is the safe side). Handoffs get an index for ending a profile's links at a reset.
    version: 2,
    name: EVENTS_PER_CREDENTIAL,
    sql: `
      CREATE TABLE events_by_credential (
        site_id      TEXT NOT NULL,
        message_id   TEXT NOT NULL,
        type         TEXT NOT NULL,
        anonymous_id TEXT,
        user_id      TEXT,
        event        TEXT,
        timestamp    TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        body         TEXT NOT NULL,
        credential   TEXT NOT NULL DEFAULT 'public' CHECK (credential IN ('public', 'server')),
        PRIMARY KEY (site_id, message_id, credential)
      );
      INSERT INTO events_by_credential
        (rowid, site_id, message_id, type, anonymous_id, user_id, event, timestamp, received_at, body, credential)
        SELECT rowid, site_id, message_id, type, anonymous_id, user_id, event, timestamp, received_at, body,
               'public'
          FROM events ORDER BY rowid;
      DROP TABLE events;
      ALTER TABLE events_by_credential RENAME TO events;
      CREATE INDEX events_by_anonymous_id ON events (site_id, anonymous_id);
      CREATE INDEX events_by_user_id ON events (site_id, user_id);
      CREATE INDEX handoffs_by_profile ON handoffs (site_id, profile_id);
    `,
  },
  {
    version: 3,
    name: 'records remember when the server received them (received_seq, received_at)',
    // seq is what the records of a profile were last numbered for pulling, and compaction renumbers
    // it; a record's receive position is set once per stored version and never moved. Rows from
    // before have only their seq (their receive order, unless a compaction moved them) and their
    // HLC's time (which the server checked against its own clock when it took them).
    sql: `
      ALTER TABLE records ADD COLUMN received_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN received_at INTEGER NOT NULL DEFAULT 0;
      UPDATE records SET received_seq = seq, received_at = MAX(0, ${hlcMs('hlc')});
    `,
  },
  {
    version: 4,
    name: 'record numbers from a sequence: pushes to different profiles merge at once',
    // PostgreSQL's change only: SQLite has one writer, whose counter row stays as it is.
    sql: '-- nothing to change in SQLite',
  },
  {
    version: 5,
    name: ERASURE_MIGRATION_NAME,
    // See erasure-schema.ts: the same SQL on both engines.
    sql: ERASURE_MIGRATION_SQL,
  },
  {
    version: 6,
    name: EVENTS_BY_RECEIVED_AT,
    // Retention deletes a site's oldest events first (sqlite-retention.ts): without this index each
    // batch would read the whole table to find them. In NOCASE, which orders ISO times as BINARY does
    // (digits, '-', ':', '.', 'T', 'Z'), so only a query that asks for NOCASE uses it: SQLite keeps no
    // statistics here, and it preferred a plain (site_id, received_at) index to the anonymous_id and
    // user_id ones for GET /v1/events with a time range, reading a site's whole range for one visitor.
    sql: 'CREATE INDEX events_by_received_at ON events (site_id, received_at COLLATE NOCASE);',
  },
  {
    version: 7,
    name: CONSENT_MIGRATION_NAME,
    // See consent-schema.ts: the same table on both engines, in each one's types.
    sql: SQLITE_CONSENT_MIGRATION_SQL,
  },
  {
    version: 8,
    name: WEBHOOKS_MIGRATION_NAME,
    // See webhook-schema.ts: the same table on both engines, in each one's types.
    sql: SQLITE_WEBHOOKS_MIGRATION_SQL,
  },
  {
    version: 9,
    name: STAFF_SESSIONS_MIGRATION_NAME,
    // See staff-session-schema.ts: the same table on both engines, in each one's types.
    sql: SQLITE_STAFF_SESSIONS_MIGRATION_SQL,
  },
  {
    version: 10,
    name: STORE_CODES_MIGRATION_NAME,
    // See store-codes-schema.ts: the same SQL on both engines.
    sql: STORE_CODES_MIGRATION_SQL,
  },
];
