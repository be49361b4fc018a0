import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestVersion, type Migration, pendingMigrations } from '../../server/store/migrations.ts';
import { POSTGRES_MIGRATIONS } from '../../server/store/postgres-migrations.ts';
import { SQLITE_MIGRATIONS } from '../../server/store/sqlite-migrations.ts';

const step = (version: number, name = `step ${version}`): Migration => ({ version, name, sql: '' });

describe('schema migrations', () => {
  it('gives a database the migrations after its version, in order', () => {
    const list = [step(2), step(3), step(4)];
    assert.deepEqual(
      pendingMigrations(list, 1).map((m) => m.version),
      [2, 3, 4],
    );
    assert.deepEqual(
      pendingMigrations(list, 3).map((m) => m.version),
      [4],
    );
    assert.deepEqual(pendingMigrations(list, 4), []);
    assert.equal(latestVersion(list), 4);
    assert.equal(latestVersion([]), 1);
  });

  it('refuses a list with a gap or a repeat, and a database newer than the code', () => {
    assert.throws(() => pendingMigrations([step(2), step(4)], 1), /must be version 3/);
    assert.throws(() => pendingMigrations([step(2), step(2)], 1), /must be version 3/);
    assert.throws(() => pendingMigrations([step(2)], 5), /newer than this server's 2: upgrade the server/);
  });

  it('SQLite and PostgreSQL are at the same version, with the same changes', () => {
    assert.deepEqual(
      SQLITE_MIGRATIONS.map((m) => [m.version, m.name]),
      POSTGRES_MIGRATIONS.map((m) => [m.version, m.name]),
    );
    pendingMigrations(SQLITE_MIGRATIONS, 1);
  });
});
