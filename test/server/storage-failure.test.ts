// The classifier behind 503 storage_unavailable, fed with errors the real libraries raise: SQLite
// failures that are the storage's (busy past the timeout, read-only, cannot open) against ones that
// are the statement's (a constraint), PostgreSQL's connection errors against its statement errors.
// Log labels never carry the message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { errorKind, isStorageFailure } from '../../server/store/storage-failure.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-classify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('storage failures', () => {
  const file = join(dir, 'a.db');
  const writer = new Database(file);
  writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (id TEXT PRIMARY KEY CHECK (id <> 'secret'))");
  after(() => writer.close());

  it('SQLite: busy past the timeout, read-only and cannot-open are storage failures', () => {
    const other = new Database(file, { timeout: 0 });
    writer.exec('BEGIN IMMEDIATE');
    try {
      const busy = thrown(() => other.exec("INSERT INTO t VALUES ('b')"));
      assert.match(String((busy as { code: string }).code), /^SQLITE_BUSY/);
      assert.equal(isStorageFailure(busy), true);
    } finally {
      writer.exec('ROLLBACK');
      other.close();
    }
    const readonly = new Database(file, { readonly: true });
    const refused = thrown(() => readonly.exec("INSERT INTO t VALUES ('r')"));
    readonly.close();
    assert.match(String((refused as { code: string }).code), /^SQLITE_READONLY/);
    assert.equal(isStorageFailure(refused), true);
    // A path SQLite cannot open as a file (a directory).
    const cannotOpen = thrown(() => new Database(dir));
    assert.equal((cannotOpen as { code: string }).code, 'SQLITE_CANTOPEN');
    assert.equal(isStorageFailure(cannotOpen), true);
  });

  it("SQLite: a statement's own failure is not, and its label omits the message", () => {
    const constraint = thrown(() => writer.exec("INSERT INTO t VALUES ('secret')"));
    assert.equal(isStorageFailure(constraint), false);
    assert.equal(errorKind(constraint), 'SqliteError SQLITE_CONSTRAINT_CHECK');
    assert.equal(isStorageFailure(new TypeError('x is undefined')), false);
    assert.equal(errorKind(new SyntaxError('Unexpected token s in "secret"')), 'SyntaxError');
  });

  it('PostgreSQL: nobody listening, and shutdown/connection SQLSTATEs are storage failures; a constraint is not', async () => {
    const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const refused = await client.connect().then(
      () => assert.fail('connected to port 1'),
      (error: unknown) => error,
    );
    assert.equal(isStorageFailure(refused), true, String(refused));
    const database = (code: string) =>
      Object.assign(new pg.DatabaseError('detail: secret', 0, 'error'), { code });
    for (const code of ['57P01', '57P03', '08006', '53100', '53300', '57014', '40001']) {
      assert.equal(isStorageFailure(database(code)), true, code);
    }
    assert.equal(isStorageFailure(database('23505')), false);
    assert.equal(errorKind(database('23505')), 'DatabaseError 23505');
    assert.equal(isStorageFailure(new Error('Connection terminated unexpectedly')), true);
  });
});
