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

  it('fsyncs every commit (synchronous = FULL), so an acknowledged write survives a power cut', async () => {
    const store = openSqliteStore(join(dir, 'durable.db'));
    try {
      // Read back from the store's own connection: the setting is per connection.
      assert.deepEqual(store.durability(), { journalMode: 'wal', synchronous: 'full' });
    } finally {
      await store.close();
    }
    const fast = openSqliteStore(join(dir, 'fast.db'), { synchronous: 'normal' });
    assert.equal(fast.durability().synchronous, 'normal');
    await fast.close();
  });

  storeCases(sqliteDatabase);
});
