import pg from 'pg';
import { isStorageFailure } from './storage-failure.ts';

const { DatabaseError } = pg;

/** What the PostgreSQL parts of the store run their queries on: the pool, or one transaction's client. */
export type Db = pg.Pool | pg.PoolClient;

/**
 * Runs `work` in one transaction on a client of its own (READ COMMITTED, PostgreSQL's default):
 * commits when it resolves, rolls back when it throws. Where two writers must not interleave, `work`
 * takes a row lock (`SELECT … FOR UPDATE`) or relies on an UPDATE's re-checked WHERE, rather than
 * SERIALIZABLE, which would make every caller retry on serialization failures.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client is no longer watched by the pool's 'error' listener: without one of its own,
  // a connection PostgreSQL ends meanwhile (restart, admin shutdown) is an unhandled 'error' event
  // and Node exits. The query in flight fails anyway, so the error is only remembered here.
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost ??= error;
  };
  client.on('error', onError);
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // Only a statement's own failure leaves a healthy connection to roll back and reuse. Any other
    // (lost, timed out: its answers would arrive out of step; or a bug) closes the connection, and
    // PostgreSQL rolls back when it goes, without waiting on a connection that may not answer.
    if (!lost && isStatementError(error)) await client.query('ROLLBACK').catch(() => {});
    else broken = error;
    throw error;
  } finally {
    client.release((lost ?? broken) as Error | undefined);
    client.off('error', onError);
  }
}

/** An error PostgreSQL reported for a statement on a healthy connection (a constraint, a bad value). */
function isStatementError(error: unknown): boolean {
  return error instanceof DatabaseError && !isStorageFailure(error);
}

/** BIGINT and COUNT(*) arrive as strings (they may exceed 2^53); ours never come near that. */
export function int(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
