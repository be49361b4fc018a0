import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  /**
   * Runs one statement straight on the database, with PostgreSQL's `$1`…`$n` placeholders on either
   * engine (without parameters, a script of several statements): how a test plants rows the server
   * would refuse today (written before a guard existed), or builds an old schema.
   */
  exec(sql: string, params?: unknown[]): Promise<void>;
  /** Deletes it (its stores must be closed). */
  remove(): Promise<void>;
}

/** Makes a fresh TestDatabase. */
export type TestDatabaseFactory = () => Promise<TestDatabase>;

/**
 * Runs `run` while every insert into `table` fails (a trigger, on either engine), with the server's
 * error log silenced: how a test breaks a transaction at one of its steps. The trigger goes after.
 */
export async function refusingInserts<T>(
  database: TestDatabase,
  table: string,
  run: () => Promise<T>,
): Promise<T> {
  const name = `refuse_${table}`;
  await database.exec(
    database.engine === 'sqlite'
      ? `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'refused'); END;`
      : `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
         CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`,
  );
  const quiet = console.error;
  console.error = () => {};
  try {
    return await run();
  } finally {
    console.error = quiet;
    await database.exec(
      database.engine === 'sqlite'
        ? `DROP TRIGGER ${name};`
        : `DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}();`,
    );
  }
}

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
    async exec(sql, params = []) {
      mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      try {
        // The server may hold the write lock for a moment.
        db.pragma('busy_timeout = 5000');
        // Without parameters it may be a script of several statements, as in PostgreSQL.
        if (params.length === 0) db.exec(sql);
        // SQLite takes `?1`…`?n` too; better-sqlite3 binds those by name.
        else
          db.prepare(sql.replace(/\$(\d+)/g, '?$1')).run(
            Object.fromEntries(params.map((param, index) => [index + 1, param])),
          );
      } finally {
        db.close();
      }
    },
    async remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
