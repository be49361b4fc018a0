import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, type Store } from '../../server/index.ts';

/** A fresh, empty database for one test server or store test, whichever engine holds it. */
export interface TestDatabase {
  /** 'sqlite' or 'postgres', for test names. */
  engine: string;
  /** Opens a store on it; again after a close, as a restarted server would. */
  open(): Promise<Store>;
  /** Every row of a table, read straight from the database, as an attacker with a backup would. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** Runs SQL straight on the database (faults a test injects into the real database: triggers, …). */
  exec(sql: string): Promise<void>;
  /** Deletes it (its stores must be closed). */
  remove(): Promise<void>;
}

/** Makes a fresh TestDatabase. */
export type TestDatabaseFactory = () => Promise<TestDatabase>;

/** An SQLite file in a temp dir of its own, made inside `parent` (default: the system's temp dir). */
export async function sqliteDatabase(parent = tmpdir()): Promise<TestDatabase & { file: string }> {
  const dir = mkdtempSync(join(parent, 'omnikit-server-'));
  const file = join(dir, 'data', 'events.db');
  return {
    engine: 'sqlite',
    file,
    async open() {
      return openSqliteStore(file);
    },
    async rows(table) {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async exec(sql) {
      const db = new Database(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
