import type { Migration } from './migrations.ts';

/** SQLite's twin is in sqlite-migrations.ts, with the same version and name. */
const EVENTS_PER_CREDENTIAL = 'provenance: events deduplicated per credential, handoffs by profile';

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
];
