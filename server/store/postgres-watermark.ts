import type pg from 'pg';
import { int } from './postgres-db.ts';
import { nextSeqs } from './postgres-documents.ts';

/**
 * Makes a profile's devices forget records the server deleted (the twin of sqlite-watermark.ts): call
 * it in the transaction that deleted them, holding every profile's turn (lockAllProfiles), with the
 * largest sequence number deleted. The caller rules nested loops out first (see postgres-compaction.ts).
 */
export async function raiseWatermark(
  tx: pg.PoolClient,
  siteId: string,
  profileId: string,
  deletedUpTo: number | string,
): Promise<void> {
  const { rows } = await tx.query<{ seq: string }>(
    `INSERT INTO compactions (site_id, profile_id, seq) VALUES ($1, $2, $3)
     ON CONFLICT (site_id, profile_id) DO UPDATE SET seq = GREATEST(compactions.seq, excluded.seq)
     RETURNING seq`,
    [siteId, profileId, deletedUpTo],
  );
  // A pull from "" must end on a cursor above the watermark, or its next page would look like a
  // cursor from before the deletion and start over: so nothing may keep a number at or below it.
  // New numbers, in the records' order: above every number handed out before (no merge runs).
  const { rows: below } = await tx.query<{ n: string }>(
    'SELECT COUNT(*) AS n FROM records WHERE site_id = $1 AND profile_id = $2 AND seq <= $3',
    [siteId, profileId, rows[0].seq],
  );
  const numbers = await nextSeqs(tx, int(below[0]?.n));
  if (numbers.length === 0) return;
  await tx.query(
    `UPDATE records r SET seq = renumbered.seq
       FROM (SELECT doc, key, row_number() OVER (ORDER BY seq) AS n FROM records
              WHERE site_id = $1 AND profile_id = $2 AND seq <= $3) below
       JOIN unnest($4::bigint[]) WITH ORDINALITY AS renumbered (seq, n) USING (n)
      WHERE r.site_id = $1 AND r.profile_id = $2 AND r.doc = below.doc AND r.key = below.key`,
    [siteId, profileId, rows[0].seq, numbers],
  );
}
