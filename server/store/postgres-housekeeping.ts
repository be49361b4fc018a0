import type pg from 'pg';
import { checked, type HousekeepingStore, type SweepResult, type SweepStep } from './housekeeping-types.ts';
import { int, transaction } from './postgres-db.ts';
import { lockAllProfiles } from './postgres-documents.ts';

/** Housekeeping deletes on a PostgreSQL pool (the rules of housekeeping-types.ts, the SQL of SQLite's). */
export function postgresHousekeeping(pool: pg.Pool): HousekeepingStore {
  return {
    async removeEndedHandoffs(endedBefore, step) {
      return sweep(pool, 'handoffs', 'token_hash', checked(step), (tx, range) =>
        count(
          tx.query(
            `DELETE FROM handoffs WHERE token_hash > $1 AND token_hash <= $2
                AND (expires_at < $3 OR claimed_at < $3)`,
            [...range, endedBefore.getTime()],
          ),
        ),
      );
    },

    async removeRevokedDevices(revokedBefore, step) {
      // revoked_at has the database's collation: compare the ISO times byte by byte.
      return sweep(pool, 'devices', 'id', checked(step), (tx, range) =>
        count(
          tx.query(
            `DELETE FROM devices WHERE id > $1 AND id <= $2
                AND revoked_at IS NOT NULL AND revoked_at COLLATE "C" < $3`,
            [...range, revokedBefore.toISOString()],
          ),
        ),
      );
    },

    async removeEmptyAnonymousProfiles(createdBefore, step) {
      return sweep(pool, 'profiles', 'id', checked(step), async (tx, range) => {
        // Every writer of records holds its share of this lock (see lockAllProfiles) until it
        // commits: with it, the statement below sees every record written so far, so a profile a push
        // is filling is never taken for empty.
        await lockAllProfiles(tx);
        // profiles.id is COLLATE "C", the profile_id of devices, records and handoffs is not: compared in
        // their collation, the window's few hundred profiles are probes of their indexes. Compared
        // without one (mixed collations), no index applies and the planner hashes both whole tables
        // for every window (measured: 0.9 s a window at 200,000 profiles; 14 min with hashing off).
        const { rows } = await tx.query<{ id: string; site_id: string }>(
          `DELETE FROM profiles
            WHERE id > $1 AND id <= $2 AND user_id IS NULL AND created_at < $3
              AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.profile_id = profiles.id COLLATE "default")
              AND NOT EXISTS (SELECT 1 FROM records r
                               WHERE r.site_id = profiles.site_id AND r.profile_id = profiles.id COLLATE "default")
              AND NOT EXISTS (SELECT 1 FROM handoffs h
                               WHERE h.site_id = profiles.site_id AND h.profile_id = profiles.id COLLATE "default")
            RETURNING id, site_id`,
          [...range, createdBefore.toISOString()],
        );
        if (rows.length > 0) {
          // A profile whose every record was a compacted tombstone still has a watermark: it goes too.
          await tx.query(
            `DELETE FROM compactions c USING unnest($1::text[], $2::text[]) AS gone (site_id, profile_id)
              WHERE c.site_id = gone.site_id AND c.profile_id = gone.profile_id`,
            [rows.map((row) => row.site_id), rows.map((row) => row.id)],
          );
        }
        return rows.length;
      });
    },
  };
}

/** Finds the window (after, last] of `table` by its primary key, then runs `remove` on it, in one transaction. */
function sweep(
  pool: pg.Pool,
  table: string,
  key: string,
  step: SweepStep,
  remove: (tx: pg.PoolClient, range: [string, string]) => Promise<number>,
): Promise<SweepResult> {
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query<{ n: string; last: string | null }>(
      `SELECT COUNT(*) AS n, MAX(k) AS last FROM
         (SELECT ${key} AS k FROM ${table} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2) AS window_rows`,
      [step.after, step.limit],
    );
    const count = int(rows[0]?.n);
    const last = rows[0]?.last ?? null;
    if (count === 0 || last === null) return { removed: 0, next: null };
    return { removed: await remove(tx, [step.after, last]), next: count < step.limit ? null : last };
  });
}

async function count(result: Promise<pg.QueryResult>): Promise<number> {
  return (await result).rowCount ?? 0;
}
