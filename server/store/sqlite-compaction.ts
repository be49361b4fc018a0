import type Database from 'better-sqlite3';
import { hlcTime } from '../../src/protocol/index.ts';
import { sqliteWatermark } from './sqlite-watermark.ts';
import type { CompactionResult, DocumentStore } from './sync-types.ts';

/** Per profile, the largest sequence number of a tombstone compacted away. */
export const COMPACTION_SCHEMA = `
  CREATE TABLE IF NOT EXISTS compactions (
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (site_id, profile_id)
  );
`;

interface Compactable {
  site_id: string;
  profile_id: string;
  seq: number;
  removed: number;
}

/** Tombstone compaction and its watermarks, on an open SQLite database. */
export function sqliteCompaction(
  db: Database.Database,
): Pick<DocumentStore, 'compactTombstones' | 'compactionWatermark'> {
  const forget = sqliteWatermark(db);
  // HLCs start with the fixed-width base36 ms, so `hlc < prefix` is "written before that ms".
  const selectOld = db.prepare<[string], Compactable>(
    `SELECT site_id, profile_id, MAX(seq) AS seq, COUNT(*) AS removed FROM records
      WHERE deleted = 1 AND hlc < ? GROUP BY site_id, profile_id`,
  );
  const selectWatermark = db.prepare<[string, string], { seq: number }>(
    'SELECT seq FROM compactions WHERE site_id = ? AND profile_id = ?',
  );
  const deleteOld = db.prepare<[string]>('DELETE FROM records WHERE deleted = 1 AND hlc < ?');

  const compact = db.transaction((beforeMs: number): CompactionResult => {
    const prefix = hlcTime(Math.max(0, Math.floor(beforeMs)));
    const old = selectOld.all(prefix);
    if (old.length === 0) return { removed: 0, profiles: 0 };
    deleteOld.run(prefix);
    let removed = 0;
    for (const profile of old) {
      forget(profile.site_id, profile.profile_id, profile.seq);
      removed += profile.removed;
    }
    return { removed, profiles: old.length };
  });

  return {
    async compactTombstones(beforeMs) {
      // IMMEDIATE: the counter is read then written, as in a merge.
      return compact.immediate(beforeMs);
    },

    async compactionWatermark(siteId, profileId) {
      return selectWatermark.get(siteId, profileId)?.seq ?? 0;
    },
  };
}
