import { CONSENT_MIGRATION_NAME, POSTGRES_CONSENT_MIGRATION_SQL } from './consent-schema.ts';
import { ERASURE_MIGRATION_NAME, ERASURE_MIGRATION_SQL } from './erasure-schema.ts';
import type { Migration } from './migrations.ts';
import {
  POSTGRES_STAFF_SESSIONS_MIGRATION_SQL,
  STAFF_SESSIONS_MIGRATION_NAME,
} from './staff-session-schema.ts';
import { STORE_CODES_MIGRATION_NAME, STORE_CODES_MIGRATION_SQL } from './store-codes-schema.ts';
import { POSTGRES_WEBHOOKS_MIGRATION_SQL, WEBHOOKS_MIGRATION_NAME } from './webhook-schema.ts';

/** SQLite's twin is in sqlite-migrations.ts, with the same version and name. */
const EVENTS_PER_CREDENTIAL = 'provenance: events deduplicated per credential, handoffs by profile';
const EVENTS_BY_RECEIVED_AT = "retention: a site's events by the time the server received them";

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The wall-clock ms of an HLC column (its first 9 characters are base 36), in PostgreSQL's SQL. */
const hlcMs = (column: string) =>
  Array.from(
    { length: 9 },
    (_, i) => `(strpos('${BASE36}', substr(${column}, ${i + 1}, 1)) - 1)::bigint * ${36 ** (8 - i)}`,
  ).join(' + ');

/** PostgreSQL's schema changes after version 1, oldest first (see migrations.ts). */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    // See sqlite-migrations.ts: the credential joins the events' key; older events are `public`.
    // Rebuilding the primary key locks the events table for as long as indexing it takes.
    version: 2,
    name: EVENTS_PER_CREDENTIAL,
    sql: `
      ALTER TABLE events
        ADD COLUMN credential TEXT NOT NULL DEFAULT 'public' CHECK (credential IN ('public', 'server')),
        DROP CONSTRAINT events_pkey,
        ADD PRIMARY KEY (site_id, message_id, credential);
      CREATE INDEX handoffs_by_profile ON handoffs (site_id, profile_id);
    `,
  },
  {
    version: 3,
    name: 'records remember when the server received them (received_seq, received_at)',
    // As in sqlite-migrations.ts: set once per stored version, never renumbered by compaction.
    sql: `
      ALTER TABLE records ADD COLUMN received_seq BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN received_at BIGINT NOT NULL DEFAULT 0;
      UPDATE records SET received_seq = seq, received_at = GREATEST(0, ${hlcMs('hlc')});
    `,
  },
  {
    version: 4,
    name: 'record numbers from a sequence: pushes to different profiles merge at once',
    // See lockProfile (postgres-documents.ts). The sequence goes on from the counter row, so every
    // number it hands out is above every number handed out before. Every server process must run
    // this version: an older one would still number records from the counter row.
    sql: `
      CREATE SEQUENCE record_seq AS BIGINT;
      SELECT setval('record_seq', GREATEST(value, 1), value > 0) FROM counters WHERE name = 'record_seq';
    `,
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
    // As in sqlite-migrations.ts. Building it locks the events table against writes meanwhile.
    sql: 'CREATE INDEX events_by_received_at ON events (site_id, received_at);',
  },
  {
    version: 7,
    name: CONSENT_MIGRATION_NAME,
    // See consent-schema.ts: the same table on both engines, in each one's types.
    sql: POSTGRES_CONSENT_MIGRATION_SQL,
  },
  {
    version: 8,
    name: WEBHOOKS_MIGRATION_NAME,
    // See webhook-schema.ts: the same table on both engines, in each one's types.
    sql: POSTGRES_WEBHOOKS_MIGRATION_SQL,
  },
  {
    version: 9,
    name: STAFF_SESSIONS_MIGRATION_NAME,
    // See staff-session-schema.ts: the same table on both engines, in each one's types.
    sql: POSTGRES_STAFF_SESSIONS_MIGRATION_SQL,
  },
  {
    version: 10,
    name: STORE_CODES_MIGRATION_NAME,
    // See store-codes-schema.ts: the same SQL on both engines.
    sql: STORE_CODES_MIGRATION_SQL,
  },
];
