import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import { DATA_TABLES } from './rows.ts';
import { AGENT_SCHEMA, sqliteAgentStore } from './sqlite-agent.ts';
import { COMPACTION_SCHEMA, sqliteCompaction } from './sqlite-compaction.ts';
import { DEVICES_SCHEMA, sqliteDeviceStore } from './sqlite-devices.ts';
import { DOCUMENTS_SCHEMA, sqliteDocumentStore } from './sqlite-documents.ts';
import { EVENTS_SCHEMA, sqliteEventLog } from './sqlite-events.ts';
import { HANDOFFS_SCHEMA, sqliteHandoffStore } from './sqlite-handoffs.ts';
import { sqliteHousekeeping } from './sqlite-housekeeping.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { sqliteViolationStore, VIOLATIONS_SCHEMA } from './sqlite-violations.ts';
import type { Store } from './types.ts';

export { normalizeTimestamp } from './event-row.ts';

/** Opens (creating if needed) an SQLite store; `':memory:'` gives a throwaway one. */
export function openSqliteStore(file: string): Store {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers (agent console) never block the ingest writer, and commits are cheaper.
  db.pragma('journal_mode = WAL');
  // Another process (e.g. a second dev server) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  let closed = false;

  return {
    ...sqliteEventLog(db),
    ...sqliteDeviceStore(db),
    ...sqliteDocumentStore(db),
    ...sqliteCompaction(db),
    ...sqliteHandoffStore(db),
    ...sqliteAgentStore(db),
    ...sqliteViolationStore(db),
    ...sqliteHousekeeping(db),

    async reset() {
      db.transaction(() => {
        for (const table of DATA_TABLES) db.exec(`DELETE FROM ${table}`);
      })();
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/**
 * Creates the version-1 tables where missing (CREATE … IF NOT EXISTS: a database from before a table
 * existed gets it), then applies the migrations it lacks, all in one transaction.
 */
function migrate(db: Database.Database): void {
  // IMMEDIATE: a second process opening the same file waits (busy_timeout) instead of migrating too.
  db.transaction(() => {
    db.exec(
      EVENTS_SCHEMA +
        DEVICES_SCHEMA +
        DOCUMENTS_SCHEMA +
        COMPACTION_SCHEMA +
        HANDOFFS_SCHEMA +
        AGENT_SCHEMA +
        VIOLATIONS_SCHEMA +
        MIGRATIONS_TABLE,
    );
    const current =
      db
        .prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations')
        .get()?.version ?? 1;
    const record = db.prepare<[number, string, string]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of pendingMigrations(SQLITE_MIGRATIONS, current)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}
