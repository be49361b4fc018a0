import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { postgresRelay } from '../relay/postgres.ts';
import type { Relay } from '../relay/types.ts';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import { AGENT_SCHEMA, postgresAgentStore } from './postgres-agent.ts';
import { COMPACTION_SCHEMA, postgresCompaction } from './postgres-compaction.ts';
import { postgresConsentStore } from './postgres-consent.ts';
import { transaction } from './postgres-db.ts';
import { DEVICES_SCHEMA, postgresDeviceStore } from './postgres-devices.ts';
import { DOCUMENTS_SCHEMA, postgresDocumentStore } from './postgres-documents.ts';
import { postgresErasureStore } from './postgres-erasure.ts';
import { EVENTS_SCHEMA, postgresEventLog } from './postgres-events.ts';
import { HANDOFFS_SCHEMA, postgresHandoffStore } from './postgres-handoffs.ts';
import { postgresHousekeeping } from './postgres-housekeeping.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { postgresRetention } from './postgres-retention.ts';
import { postgresStaffSessionStore } from './postgres-staff-sessions.ts';
import { postgresViolationStore, VIOLATIONS_SCHEMA } from './postgres-violations.ts';
import { postgresWebhookStore } from './postgres-webhooks.ts';
import { DATA_TABLES } from './rows.ts';
import { errorKind, isStorageFailure } from './storage-failure.ts';
import type { Store } from './types.ts';

// Any fixed number: the advisory lock that makes schema creation one process at a time.
const SCHEMA_LOCK = 0x6f6d6e69; // "omni"

/** Options of `openPostgresStore`; every wait on the database is bounded. */
export interface PostgresStoreOptions {
  /** Longest wait to open a connection, or for a free one when all are busy (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Longest a statement may run (PostgreSQL's `statement_timeout`, default 30 s); the client also
   * gives up on a connection silent for 5 s more than that (a network that dropped it). 0 turns both
   * off (behind a pooler that refuses the `statement_timeout` connection parameter).
   */
  statementTimeoutMs?: number;
  /** Connections held at most (default 10, node-postgres' default). */
  maxConnections?: number;
  /**
   * How long to keep retrying, with backoff, while PostgreSQL cannot be reached or is still starting
   * (default 60 s). Wrong credentials or a missing database fail at once.
   */
  startupTimeoutMs?: number;
  /** Where the "waiting for PostgreSQL" lines go (default console.warn). */
  log?: (line: string) => void;
}

/** Default of `PostgresStoreOptions.connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Default of `PostgresStoreOptions.statementTimeoutMs`. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** Default of `PostgresStoreOptions.startupTimeoutMs`. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

/**
 * Opens a PostgreSQL store (`postgres://user:password@host:port/database`), creating its tables if
 * needed; while PostgreSQL is still starting or unreachable it waits (see `startupTimeoutMs`). Several
 * servers may share one database: that is what it is for.
 */
export async function openPostgresStore(
  connectionString: string,
  options: PostgresStoreOptions = {},
): Promise<Store> {
  const statementTimeout = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Undefined (0) sends no statement_timeout at all: some poolers (PgBouncer) refuse it.
    statement_timeout: statementTimeout || undefined,
    query_timeout: statementTimeout ? statementTimeout + 5_000 : undefined,
    // Notices a peer that vanished without closing the connection (a dead host, a dropped NAT entry).
    keepAlive: true,
  });
  // An idle client whose connection drops (server restart) emits 'error' on the pool; without a
  // listener Node would crash the process. The next query gets a fresh connection or a clear error.
  pool.on('error', () => {});
  try {
    await untilReachable(() => migrate(pool), options);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;
  let relay: Relay | undefined;

  return {
    ...postgresEventLog(pool),
    ...postgresDeviceStore(pool),
    ...postgresDocumentStore(pool),
    ...postgresCompaction(pool),
    ...postgresHandoffStore(pool),
    ...postgresAgentStore(pool),
    ...postgresViolationStore(pool),
    ...postgresHousekeeping(pool),
    ...postgresErasureStore(pool),
    ...postgresRetention(pool),
    ...postgresConsentStore(pool),
    ...postgresWebhookStore(pool),
    ...postgresStaffSessionStore(pool),

    async reset() {
      // DELETE, not TRUNCATE: ten times faster on the small tables of tests (which reset often), and
      // it waits for no ACCESS EXCLUSIVE lock behind a reader.
      await transaction(pool, async (tx) => {
        for (const table of DATA_TABLES) await tx.query(`DELETE FROM ${table}`);
      });
    },

    async ping() {
      await pool.query('SELECT count(*) FROM schema_migrations');
    },

    relay() {
      // A connection of its own, opened only by a server that asks (tools and tests that just read
      // or write the store never hold one).
      relay ??= postgresRelay(connectionString, {
        connectTimeoutMs: options.connectTimeoutMs,
        log: options.log,
      });
      return relay;
    },

    async close() {
      if (closed) return;
      closed = true;
      await relay?.close();
      await pool.end();
    },
  };
}

/**
 * Runs `attempt` until it succeeds, retrying with backoff (0.25 s doubling to 2 s) while PostgreSQL
 * is unreachable or starting up (a storage failure), for up to `startupTimeoutMs`.
 */
async function untilReachable(attempt: () => Promise<void>, options: PostgresStoreOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const deadline = Date.now() + (options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isStorageFailure(error) || Date.now() + delay > deadline) throw error;
      log(`[omnikit] waiting for PostgreSQL (${errorKind(error)}); retrying in ${delay / 1000} s`);
      await sleep(delay);
    }
  }
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
