import pg from 'pg';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import { AGENT_SCHEMA, postgresAgentStore } from './postgres-agent.ts';
import { COMPACTION_SCHEMA, postgresCompaction } from './postgres-compaction.ts';
import { transaction } from './postgres-db.ts';
import { DEVICES_SCHEMA, postgresDeviceStore } from './postgres-devices.ts';
import { DOCUMENTS_SCHEMA, postgresDocumentStore } from './postgres-documents.ts';
import { EVENTS_SCHEMA, postgresEventLog } from './postgres-events.ts';
import { HANDOFFS_SCHEMA, postgresHandoffStore } from './postgres-handoffs.ts';
import { postgresHousekeeping } from './postgres-housekeeping.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { postgresViolationStore, VIOLATIONS_SCHEMA } from './postgres-violations.ts';
import { DATA_TABLES } from './rows.ts';
import type { Store } from './types.ts';

// Any fixed number: the advisory lock that makes schema creation one process at a time.
const SCHEMA_LOCK = 0x6f6d6e69; // "omni"

/**
 * Opens a PostgreSQL store (`postgres://user:password@host:port/database`), creating its tables if
 * needed. Several servers may share one database: that is what it is for.
 */
export async function openPostgresStore(connectionString: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString });
  // An idle client whose connection drops (server restart) emits 'error' on the pool; without a
  // listener Node would crash the process. The next query gets a fresh connection or a clear error.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;

  return {
    ...postgresEventLog(pool),
    ...postgresDeviceStore(pool),
    ...postgresDocumentStore(pool),
    ...postgresCompaction(pool),
    ...postgresHandoffStore(pool),
    ...postgresAgentStore(pool),
    ...postgresViolationStore(pool),
    ...postgresHousekeeping(pool),

    async reset() {
      // DELETE, not TRUNCATE: ten times faster on the small tables of tests (which reset often), and
      // it waits for no ACCESS EXCLUSIVE lock behind a reader.
      await transaction(pool, async (tx) => {
        for (const table of DATA_TABLES) await tx.query(`DELETE FROM ${table}`);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * Creates the version-1 tables where missing, then applies the migrations the database lacks, in one
 * transaction. CREATE … IF NOT EXISTS is not safe against itself run concurrently (two servers
 * starting at once collide on the catalog), hence the advisory lock: servers migrate one at a time,
 * and the transaction makes a new version appear all at once.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  await transaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await tx.query(
      EVENTS_SCHEMA +
        DEVICES_SCHEMA +
        DOCUMENTS_SCHEMA +
        COMPACTION_SCHEMA +
        HANDOFFS_SCHEMA +
        AGENT_SCHEMA +
        VIOLATIONS_SCHEMA +
        MIGRATIONS_TABLE,
    );
    const { rows } = await tx.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations',
    );
    for (const migration of pendingMigrations(POSTGRES_MIGRATIONS, rows[0]?.version ?? 1)) {
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
}
