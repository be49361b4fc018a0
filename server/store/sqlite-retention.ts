import type Database from 'better-sqlite3';
import { checked, type SweepResult, type SweepStep } from './housekeeping-types.ts';
import { DOCUMENT_KINDS, type DocumentKind, type RetentionStore, recordCursor } from './retention-types.ts';
import { sqliteAnonymousRetention } from './sqlite-anonymous-retention.ts';
import { sqliteWatermark } from './sqlite-watermark.ts';

interface RecordKey {
  profile_id: string;
  doc: string;
  key: string;
}

/** Retention deletes on an open SQLite database (the rules of retention-types.ts). */
export function sqliteRetention(db: Database.Database): RetentionStore {
  const removeEvents = sqliteEventRetention(db);
  const removeDocuments = sqliteDocumentRetention(db);
  const removeProfiles = sqliteAnonymousRetention(db);
  return {
    async removeExpiredEvents(siteId, receivedBefore, step) {
      return removeEvents.immediate(siteId, receivedBefore.toISOString(), checked(step).limit);
    },

    async removeStaleDocuments(siteId, kind, changedBefore, step) {
      return removeDocuments[kind].immediate(siteId, changedBefore.getTime(), checked(step));
    },

    async removeInactiveAnonymousProfiles(siteId, inactiveSince, step) {
      return removeProfiles.immediate(siteId, inactiveSince, checked(step));
    },
  };
}

/** The oldest expired events of a site, at most `limit`, with their violations: one transaction. */
function sqliteEventRetention(db: Database.Database) {
  // events_by_received_at (NOCASE, see sqlite-migrations.ts) finds the site's oldest at once,
  // whatever else the table holds.
  const deleteOldest = db.prepare<[string, string, number], { message_id: string }>(
    `DELETE FROM events WHERE rowid IN
       (SELECT rowid FROM events WHERE site_id = ? AND received_at COLLATE NOCASE < ?
         ORDER BY received_at COLLATE NOCASE LIMIT ?)
     RETURNING message_id`,
  );
  // Violations are kept per messageId: they go with its last event (the other credential's may stay).
  const deleteViolations = db.prepare<[string, string, string, string]>(
    `DELETE FROM plan_violations WHERE site_id = ? AND message_id = ?
        AND NOT EXISTS (SELECT 1 FROM events WHERE site_id = ? AND message_id = ?)`,
  );
  return db.transaction((siteId: string, before: string, limit: number): SweepResult => {
    const gone = deleteOldest.all(siteId, before, limit);
    for (const messageId of new Set(gone.map((row) => row.message_id))) {
      deleteViolations.run(siteId, messageId, siteId, messageId);
    }
    return { removed: gone.length, next: gone.length < limit ? null : '' };
  });
}

/** Per kind, one window of a site's records: the stale documents' records in it go. */
function sqliteDocumentRetention(db: Database.Database) {
  const forget = sqliteWatermark(db);
  const windowOf = db.prepare<[string, string, string, string, number], RecordKey>(
    `SELECT profile_id, doc, key FROM records WHERE site_id = ? AND (profile_id, doc, key) > (?, ?, ?)
      ORDER BY profile_id, doc, key LIMIT ?`,
  );
  const sweep = (kind: DocumentKind) => {
    const { doc, prefix } = DOCUMENT_KINDS[kind];
    // A document is stale when no record of it was received since: a newer one keeps it whole.
    const remove = db.prepare<unknown[], { profile_id: string; seq: number }>(
      `DELETE FROM records WHERE site_id = ? AND (profile_id, doc, key) > (?, ?, ?)
          AND (profile_id, doc, key) <= (?, ?, ?) AND ${prefix ? 'substr(doc, 1, ?) = ?' : 'doc = ?'}
          AND NOT EXISTS (SELECT 1 FROM records newer
                           WHERE newer.site_id = records.site_id AND newer.profile_id = records.profile_id
                             AND newer.doc = records.doc AND newer.received_at >= ?)
        RETURNING profile_id, seq`,
    );
    const kindParams = prefix ? [doc.length, doc] : [doc];
    const newest = db.prepare<[string, string], { seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM records WHERE site_id = ? AND profile_id = ?',
    );
    return db.transaction((siteId: string, before: number, step: SweepStep): SweepResult => {
      const after = recordCursor(step.after);
      const window = windowOf.all(siteId, ...after, step.limit);
      const last = window.at(-1);
      if (!last) return { removed: 0, next: null };
      const gone = remove.all(siteId, ...after, last.profile_id, last.doc, last.key, ...kindParams, before);
      const upTo = new Map<string, number>();
      for (const row of gone) upTo.set(row.profile_id, Math.max(upTo.get(row.profile_id) ?? 0, row.seq));
      // Its devices may hold any of them, whatever their cursor: the watermark covers every number the
      // profile handed out, so each device's next pull is a reset.
      for (const [profileId, seq] of upTo) {
        forget(siteId, profileId, Math.max(seq, newest.get(siteId, profileId)?.seq ?? 0));
      }
      const next = window.length < step.limit ? null : JSON.stringify([last.profile_id, last.doc, last.key]);
      return { removed: gone.length, next };
    });
  };
  return { chat: sweep('chat'), drafts: sweep('drafts') };
}
