import type pg from 'pg';
import { hlcTime } from '../../src/protocol/index.ts';
import { int, transaction } from './postgres-db.ts';
import { lockAllProfiles, nextSeqs } from './postgres-documents.ts';
import type { CompactionResult, DocumentStore } from './sync-types.ts';

/** Per profile, the largest sequence number of a tombstone compacted away. */
export const COMPACTION_SCHEMA = `
  CREATE TABLE IF NOT EXISTS compactions (
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (site_id, profile_id)
  );
`;

interface Compactable {
  site_id: string;
  profile_id: string;
  seq: string;
  removed: string;
}

/** Tombstone compaction and its watermarks, on a PostgreSQL pool (the rules of sqlite-compaction.ts). */
export function postgresCompaction(
  pool: pg.Pool,
): Pick<DocumentStore, 'compactTombstones' | 'compactionWatermark'> {
  return {
    async compactTombstones(beforeMs) {
      // Every profile's turn at once (see lockAllProfiles): no merge runs while records are renumbered.
      return transaction(pool, (tx) => compact(tx, beforeMs));
    },

    async compactionWatermark(siteId, profileId) {
      const { rows } = await pool.query<{ seq: string }>(
        'SELECT seq FROM compactions WHERE site_id = $1 AND profile_id = $2',
        [siteId, profileId],
      );
      return int(rows[0]?.seq);
    },
  };
}

async function compact(tx: pg.PoolClient, beforeMs: number): Promise<CompactionResult> {
  // HLCs start with the fixed-width base36 ms, so `hlc < prefix` is "written before that ms".
  const prefix = hlcTime(Math.max(0, Math.floor(beforeMs)));
  await lockAllProfiles(tx);
  // The renumbering below joins a profile's records to themselves. Right after a bulk write the
  // planner's statistics say "1 row" and it picks a nested loop: quadratic (3.5 s for 1,500 records,
  // 50 ms as a hash join). This batch job runs rarely, so it simply rules nested loops out.
  await tx.query('SET LOCAL enable_nestloop = off');
  // Deleting and reporting in one statement: nothing can slip in between (merges wait on the lock).
  const { rows: old } = await tx.query<Compactable>(
    `WITH gone AS (DELETE FROM records WHERE deleted AND hlc < $1 RETURNING site_id, profile_id, seq)
     SELECT site_id, profile_id, MAX(seq) AS seq, COUNT(*) AS removed FROM gone GROUP BY site_id, profile_id`,
    [prefix],
  );
  if (old.length === 0) return { removed: 0, profiles: 0 };
  let removed = 0;
  for (const profile of old) {
    const { rows } = await tx.query<{ seq: string }>(
      `INSERT INTO compactions (site_id, profile_id, seq) VALUES ($1, $2, $3)
       ON CONFLICT (site_id, profile_id) DO UPDATE SET seq = GREATEST(compactions.seq, excluded.seq)
       RETURNING seq`,
      [profile.site_id, profile.profile_id, profile.seq],
    );
    removed += int(profile.removed);
    // A pull from "" must end on a cursor above the watermark, or its next page would look like a
    // cursor from before the compaction and start over: so nothing may keep a number at or below it.
    // New numbers, in the records' order: above every number handed out before (no merge runs).
    const { rows: below } = await tx.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM records WHERE site_id = $1 AND profile_id = $2 AND seq <= $3',
      [profile.site_id, profile.profile_id, rows[0].seq],
    );
    const numbers = await nextSeqs(tx, int(below[0]?.n));
    if (numbers.length === 0) continue;
    await tx.query(
      `UPDATE records r SET seq = renumbered.seq
         FROM (SELECT doc, key, row_number() OVER (ORDER BY seq) AS n FROM records
                WHERE site_id = $1 AND profile_id = $2 AND seq <= $3) below
         JOIN unnest($4::bigint[]) WITH ORDINALITY AS renumbered (seq, n) USING (n)
        WHERE r.site_id = $1 AND r.profile_id = $2 AND r.doc = below.doc AND r.key = below.key`,
      [profile.site_id, profile.profile_id, rows[0].seq, numbers],
    );
  }
  return { removed, profiles: old.length };
}
