import type pg from 'pg';

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
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A broken connection cannot roll back; the server does it when the connection goes.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** BIGINT and COUNT(*) arrive as strings (they may exceed 2^53); ours never come near that. */
export function int(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
