import type pg from 'pg';
import { checked, type SweepResult, type SweepStep } from './housekeeping-types.ts';
import { postgresAnonymousRetention } from './postgres-anonymous-retention.ts';
import { int, transaction } from './postgres-db.ts';
import { lockAllProfiles } from './postgres-documents.ts';
import { raiseWatermark } from './postgres-watermark.ts';
import { DOCUMENT_KINDS, type DocumentKind, type RetentionStore, recordCursor } from './retention-types.ts';

/** Retention deletes on a PostgreSQL pool (the rules of retention-types.ts, the SQL of SQLite's). */
export function postgresRetention(pool: pg.Pool): RetentionStore {
  return {
    async removeExpiredEvents(siteId, receivedBefore, step) {
      const { limit } = checked(step);
      return transaction(pool, (tx) => removeOldestEvents(tx, siteId, receivedBefore.toISOString(), limit));
    },

    async removeStaleDocuments(siteId, kind, changedBefore, step) {
      return transaction(pool, (tx) =>
        removeStaleWindow(tx, siteId, kind, changedBefore.getTime(), checked(step)),
      );
    },

    async removeInactiveAnonymousProfiles(siteId, inactiveSince, step) {
      return transaction(pool, (tx) => postgresAnonymousRetention(tx, siteId, inactiveSince, checked(step)));
    },
  };
}

async function removeOldestEvents(tx: pg.PoolClient, siteId: string, before: string, limit: number) {
  // events_by_received_at finds the site's oldest; events_by_id finds them again to delete them.
  const { rows } = await tx.query<{ message_id: string }>(
    `DELETE FROM events WHERE site_id = $1 AND id IN
       (SELECT id FROM events WHERE site_id = $1 AND received_at < $2 ORDER BY received_at LIMIT $3)
     RETURNING message_id`,
    [siteId, before, limit],
  );
  if (rows.length > 0) {
    // Violations are kept per messageId: they go with its last event (the other credential's may stay).
    await tx.query(
      `DELETE FROM plan_violations v WHERE v.site_id = $1 AND v.message_id = ANY($2::text[])
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.site_id = $1 AND e.message_id = v.message_id)`,
      [siteId, [...new Set(rows.map((row) => row.message_id))]],
    );
  }
  return { removed: rows.length, next: rows.length < limit ? null : '' };
}

async function removeStaleWindow(
  tx: pg.PoolClient,
  siteId: string,
  kind: DocumentKind,
  before: number,
  step: SweepStep,
): Promise<SweepResult> {
  const after = recordCursor(step.after);
  // Every writer of records waits meanwhile (see lockAllProfiles): the window stays what it was read as.
  await lockAllProfiles(tx);
  const { rows: window } = await tx.query<{ profile_id: string; doc: string; key: string }>(
    `SELECT profile_id, doc, key FROM records WHERE site_id = $1 AND (profile_id, doc, key) > ($2, $3, $4)
      ORDER BY profile_id, doc, key LIMIT $5`,
    [siteId, ...after, step.limit],
  );
  const last = window.at(-1);
  if (!last) return { removed: 0, next: null };
  const { doc, prefix } = DOCUMENT_KINDS[kind];
  // A document is stale when no record of it was received since: a newer one keeps it whole. The
  // window is read again with its LIMIT, so the planner knows it is small and probes the key for each
  // row rather than hashing every record of the kind.
  const { rows: gone } = await tx.query<{ profile_id: string; seq: string }>(
    `WITH win AS MATERIALIZED (
       SELECT profile_id, doc, key FROM records
        WHERE site_id = $1 AND (profile_id, doc, key) > ($2, $3, $4) AND (profile_id, doc, key) <= ($5, $6, $7)
        ORDER BY profile_id, doc, key LIMIT $8),
     stale AS MATERIALIZED (
       SELECT w.profile_id, w.doc, w.key FROM win w
        WHERE ${prefix ? 'left(w.doc, length($9)) = $9' : 'w.doc = $9'}
          AND NOT EXISTS (SELECT 1 FROM records newer
                           WHERE newer.site_id = $1 AND newer.profile_id = w.profile_id
                             AND newer.doc = w.doc AND newer.received_at >= $10))
     DELETE FROM records r USING stale s
      WHERE r.site_id = $1 AND r.profile_id = s.profile_id AND r.doc = s.doc AND r.key = s.key
     RETURNING r.profile_id, r.seq`,
    [siteId, ...after, last.profile_id, last.doc, last.key, step.limit, doc, before],
  );
  // The renumbering joins a profile's records to themselves: no nested loop (see postgres-compaction.ts).
  if (gone.length > 0) await tx.query('SET LOCAL enable_nestloop = off');
  const upTo = new Map<string, number>();
  for (const row of gone) upTo.set(row.profile_id, Math.max(upTo.get(row.profile_id) ?? 0, int(row.seq)));
  for (const [profileId, seq] of upTo) {
    // Its devices may hold any of them, whatever their cursor: the watermark covers every number the
    // profile handed out, so each device's next pull is a reset.
    const { rows } = await tx.query<{ seq: string | null }>(
      'SELECT MAX(seq) AS seq FROM records WHERE site_id = $1 AND profile_id = $2',
      [siteId, profileId],
    );
    await raiseWatermark(tx, siteId, profileId, Math.max(seq, int(rows[0]?.seq)));
  }
  const next = window.length < step.limit ? null : JSON.stringify([last.profile_id, last.doc, last.key]);
  return { removed: gone.length, next };
}
