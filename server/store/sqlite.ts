import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import { DATA_TABLES } from './rows.ts';
import { AGENT_SCHEMA, sqliteAgentStore } from './sqlite-agent.ts';
import { COMPACTION_SCHEMA, sqliteCompaction } from './sqlite-compaction.ts';
import { sqliteConsentStore } from './sqlite-consent.ts';
import { DEVICES_SCHEMA, sqliteDeviceStore } from './sqlite-devices.ts';
import { DOCUMENTS_SCHEMA, sqliteDocumentStore } from './sqlite-documents.ts';
import { sqliteErasureStore } from './sqlite-erasure.ts';
import { EVENTS_SCHEMA, sqliteEventLog } from './sqlite-events.ts';
import { groupCommits } from './sqlite-group-commit.ts';
import { HANDOFFS_SCHEMA, sqliteHandoffStore } from './sqlite-handoffs.ts';
import { sqliteHousekeeping } from './sqlite-housekeeping.ts';
import { withSyncMemory } from './sqlite-memory.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { sqliteRetention } from './sqlite-retention.ts';
import { sqliteStaffSessionStore } from './sqlite-staff-sessions.ts';
import { sqliteViolationStore, VIOLATIONS_SCHEMA } from './sqlite-violations.ts';
import { sqliteWebhookStore } from './sqlite-webhooks.ts';
import { isStorageFailure } from './storage-failure.ts';
import type { Store } from './types.ts';

export { normalizeTimestamp } from './event-row.ts';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /**
   * When a write is on disk before it is acknowledged. `full` (default): every commit is fsynced,
   * so a 2xx survives a power cut. `normal`: commits reach the disk at the next checkpoint; faster
   * (see bench/), a crash of the process loses nothing, but a power cut loses the last commits.
   */
  synchronous?: 'full' | 'normal';
}

/** The SQLite store, plus what it can say about its own settings. */
export interface SqliteStore extends Store {
  /** The journal mode and `synchronous` level the open connection really runs with (diagnostics). */
  durability(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra' };
}

/** Bytes a checkpointed WAL file is cut back to, so one burst of writes does not keep its size. */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** Opens (creating if needed) an SQLite store; `':memory:'` gives a throwaway one. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers (agent console) never block the ingest writer, and commits are cheaper.
  db.pragma('journal_mode = WAL');
  // SQLite's default in WAL mode is NORMAL: a committed transaction may still be in the page cache.
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  // Another process (e.g. a second dev server) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  let closed = false;

  const store: Store = {
    ...sqliteEventLog(db),
    ...sqliteDeviceStore(db),
    ...sqliteDocumentStore(db),
    ...sqliteCompaction(db),
    ...sqliteHandoffStore(db),
    ...sqliteAgentStore(db),
    ...sqliteViolationStore(db),
    ...sqliteHousekeeping(db),
    ...sqliteErasureStore(db),
    ...sqliteRetention(db),
    ...sqliteConsentStore(db),
    ...sqliteWebhookStore(db),
    ...sqliteStaffSessionStore(db),

    async reset() {
      db.transaction(() => {
        for (const table of DATA_TABLES) db.exec(`DELETE FROM ${table}`);
      })();
    },

    async ping() {
      db.prepare('SELECT count(*) FROM schema_migrations').get();
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
  return {
    ...recoverAfterStorageFailures(singleWriter(store, db), db),
    durability: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: SYNCHRONOUS[Number(db.pragma('synchronous', { simple: true }))] ?? 'off',
    }),
  };
}

const SYNCHRONOUS = ['off', 'normal', 'full', 'extra'] as const;

/**
 * What being the file's one writer allows: what /v1/sync reads on every call kept in memory
 * (sqlite-memory.ts), and merges and event batches committed in groups, one fsync for all the
 * pushes and batches of a moment (sqlite-group-commit.ts). Merges pass through the memory inside the
 * group's transaction.
 */
function singleWriter(store: Store, db: Database.Database): Store {
  const remembered = withSyncMemory(db, store);
  const group = groupCommits(db);
  return {
    ...remembered,
    mergeRecords: (...args) => group.run(() => remembered.mergeRecords(...args)),
    insertEvents: (...args) => group.run(() => remembered.insertEvents(...args)),
    // In the group, in order: a batch of the customer's events read before the erasure was asked
    // for is committed before it, never after it.
    eraseUser: (...args) => group.run(() => remembered.eraseUser(...args)),
    forgetDevice: (...args) => group.run(() => remembered.forgetDevice(...args)),
    async close() {
      // Writes still waiting for their group are committed, not lost.
      if (db.open) group.flush();
      return remembered.close();
    },
  };
}

/**
 * After a storage failure (full disk, I/O error), the first call that succeeds again checkpoints the
 * WAL into the database file and truncates it: commits made while space was short may have left it
 * large, and a WAL that is never cut back keeps its disk space. A checkpoint that fails (still no
 * room) is retried after the next successful call; the call itself has succeeded either way.
 */
function recoverAfterStorageFailures(store: Store, db: Database.Database): Store {
  let checkpointDue = false;
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    wrapped[name] = async (...args: unknown[]) => {
      let result: unknown;
      try {
        result = await (method as (...values: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (error) {
        if (isStorageFailure(error)) checkpointDue = true;
        throw error;
      }
      if (checkpointDue && db.open) {
        try {
          const [outcome] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
          checkpointDue = outcome?.busy !== 0;
        } catch {}
      }
      return result;
    };
  }
  return wrapped as unknown as Store;
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
