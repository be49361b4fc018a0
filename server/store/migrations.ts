/**
 * Schema versions. Version 1 is the tables each store part creates (its `*_SCHEMA`, `CREATE … IF NOT
 * EXISTS`, never edited again); every later change is a numbered migration of each database
 * (sqlite-migrations.ts, postgres-migrations.ts), applied once, in order, in the transaction that
 * opens the store, and recorded in `schema_migrations`. A database from before this table existed is
 * at version 1, so it upgrades like any other.
 */

/** One schema change: `sql` takes a database at `version - 1` to `version`. */
export interface Migration {
  version: number;
  /** What it changes, for the `schema_migrations` row and the logs. */
  name: string;
  sql: string;
}

/** The table that remembers which migrations ran (same SQL in SQLite and PostgreSQL). */
export const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  );
`;

/** The latest version `migrations` lead to (1 when there are none). */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 1);
}

/**
 * The migrations a database at `current` still needs, in order. Throws when the list has gaps or
 * repeats, or when the database is newer than this code (an older server must not write to it).
 */
export function pendingMigrations(migrations: readonly Migration[], current: number): Migration[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 2) {
      throw new Error(`migration "${migration.name}" must be version ${index + 2}, not ${migration.version}`);
    }
  });
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new Error(
      `the database is at schema version ${current}, newer than this server's ${latest}: upgrade the server`,
    );
  }
  return migrations.filter((migration) => migration.version > current);
}
