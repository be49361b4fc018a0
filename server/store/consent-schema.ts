/**
 * The consent receipts table (§3, §8), added by migration 7 of each database under the same name.
 * Append-only: one row per `consent` record the server accepted, whether or not it won the merge (a
 * late-arriving older change is still a change the customer made). The primary key is the position
 * receipts are read back in (oldest first); the unique key makes a re-sent record (same profile,
 * category and HLC) no second receipt. Erasure deletes a profile's receipts; retention never does.
 */
export const CONSENT_MIGRATION_NAME = 'consent receipts: every consent change the server accepted';

const columns = (types: { id: string; text: string; flag: string; ms: string }) => `
  CREATE TABLE consent_receipts (
    id          ${types.id},
    site_id     TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    category    ${types.text} NOT NULL,
    hlc         ${types.text} NOT NULL,
    granted     ${types.flag} NOT NULL,
    channel     TEXT NOT NULL,
    policy      TEXT,
    device_id   TEXT NOT NULL,
    client_at   ${types.ms} NOT NULL,
    received_at ${types.ms} NOT NULL,
    UNIQUE (site_id, profile_id, category, hlc)
  );
  CREATE INDEX consent_receipts_by_profile ON consent_receipts (site_id, profile_id, id);
`;

/** SQLite: rowid order is insertion order (AUTOINCREMENT: an id is never reused after a delete). */
export const SQLITE_CONSENT_MIGRATION_SQL = columns({
  id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  text: 'TEXT',
  flag: 'INTEGER',
  ms: 'INTEGER',
});

/** PostgreSQL: the "C" collation compares categories and HLCs byte by byte, as the records table does. */
export const POSTGRES_CONSENT_MIGRATION_SQL = columns({
  id: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  text: 'TEXT COLLATE "C"',
  flag: 'BOOLEAN',
  ms: 'BIGINT',
});
