import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../server/index.ts';
import { storeCases } from './store-cases.ts';
import { sqliteDatabase } from './test-database.ts';

// The same cases run on PostgreSQL in postgres.test.ts.
describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-store-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the parent directory and uses WAL mode', async () => {
    const file = join(dir, 'nested', 'deeper', 'events.db');
    const store = openSqliteStore(file);
    await store.close();
    assert.ok(existsSync(file));
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  storeCases(sqliteDatabase);
});
