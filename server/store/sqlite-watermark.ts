import type Database from 'better-sqlite3';
import { recordSeq } from './sqlite-documents.ts';

/**
 * Makes a profile's devices forget records the server deleted (compacted tombstones, records past a
 * site's retention): call it inside the write transaction that deleted them, with the largest
 * sequence number deleted. The profile's watermark rises to it, so a pull from a cursor below it is
 * answered as a reset (docs/protocol.md §3, "Reset after compaction").
 */
export function sqliteWatermark(
  db: Database.Database,
): (siteId: string, profileId: string, deletedUpTo: number) => void {
  const seq = recordSeq(db);
  const raise = db.prepare<[string, string, number]>(
    `INSERT INTO compactions (site_id, profile_id, seq) VALUES (?, ?, ?)
     ON CONFLICT (site_id, profile_id) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
  );
  const select = db.prepare<[string, string], { seq: number }>(
    'SELECT seq FROM compactions WHERE site_id = ? AND profile_id = ?',
  );
  const selectBelow = db.prepare<[string, string, number], { doc: string; key: string }>(
    'SELECT doc, key FROM records WHERE site_id = ? AND profile_id = ? AND seq <= ? ORDER BY seq',
  );
  const renumber = db.prepare<[number, string, string, string, string]>(
    'UPDATE records SET seq = ? WHERE site_id = ? AND profile_id = ? AND doc = ? AND key = ?',
  );
  return (siteId, profileId, deletedUpTo) => {
    raise.run(siteId, profileId, deletedUpTo);
    // A pull from "" must end on a cursor above the watermark, or its next page would look like a
    // cursor from before the deletion and start over: so nothing may keep a number at or below it.
    const watermark = select.get(siteId, profileId)?.seq ?? deletedUpTo;
    let next = seq.last() + 1;
    for (const { doc, key } of selectBelow.all(siteId, profileId, watermark)) {
      renumber.run(next, siteId, profileId, doc, key);
      next += 1;
    }
    seq.set(next - 1);
  };
}
