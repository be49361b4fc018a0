/**
 * The tables of erasure (§8), the same in SQLite and PostgreSQL, added by migration 5 of each. None
 * of them holds a userId or an anonymous id: a receipt and a suppression name their subject by
 * hash only (erasure-subject.ts), an erased token by the hash the devices table held already.
 */
export const ERASURE_MIGRATION_NAME =
  'erasure: receipts, suppressions, erased tokens, devices remember their first profile';

/**
 * - `devices.first_profile_id`: the anonymous profile a device was registered with, which identify
 *   moves it away from; an erasure of the user finds (and erases) the guest profile through it.
 * - `erased_tokens`: the token hashes of erased devices, so a device learns it was forgotten
 *   (`401 profile_erased`) instead of being merely unknown.
 * - `erasure_suppressions`: (site, hash of userId) whose later events are dropped.
 * - `erasure_receipts`: what each erasure removed, and when.
 * The indexes serve the erasure's lookups: devices by anonymous id, handoffs by the device that made
 * or claimed them.
 */
export const ERASURE_MIGRATION_SQL = `
  ALTER TABLE devices ADD COLUMN first_profile_id TEXT;
  CREATE TABLE erased_tokens (
    token_hash TEXT PRIMARY KEY,
    erased_at  TEXT NOT NULL
  );
  CREATE TABLE erasure_suppressions (
    site_id       TEXT NOT NULL,
    subject_hash  TEXT NOT NULL,
    suppressed_at TEXT NOT NULL,
    PRIMARY KEY (site_id, subject_hash)
  );
  CREATE TABLE erasure_receipts (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL,
    subject_hash TEXT NOT NULL,
    erased_at    TEXT NOT NULL,
    removed      TEXT NOT NULL
  );
  CREATE INDEX devices_by_anonymous_id ON devices (site_id, anonymous_id);
  CREATE INDEX handoffs_by_creator ON handoffs (created_by);
  CREATE INDEX handoffs_by_claimer ON handoffs (claimed_by);
`;
