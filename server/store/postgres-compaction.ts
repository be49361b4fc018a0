import type pg from 'pg';
import { hlcTime } from '../../src/protocol/index.ts';
import { int, transaction } from './postgres-db.ts';
import { lockAllProfiles } from './postgres-documents.ts';
import { raiseWatermark } from './postgres-watermark.ts';
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
    await raiseWatermark(tx, profile.site_id, profile.profile_id, profile.seq);
    removed += int(profile.removed);
  }
  return { removed, profiles: old.length };
}
