import type Database from 'better-sqlite3';
import { asStored, type RecordRow, storedValue, toRecord } from './rows.ts';
import { sqliteReceiptWriter } from './sqlite-consent.ts';
import type {
  Correction,
  DocumentStore,
  MergeResult,
  MergeSource,
  ProfileQuota,
  ProfileUsage,
  SyncRecord,
} from './sync-types.ts';
import { overQuota, RECORD_BYTES_SQL, recordId, type StoredSize } from './usage.ts';

/**
 * Tables of state documents. `seq` orders changes for pulling: it comes from one global counter,
 * bumped only for records that win a merge. SQLite has a single writer, so a reader can never see
 * seq N committed before a smaller one (postgres-documents.ts gets the same from a row lock).
 */
export const DOCUMENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    doc        TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    deleted    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (site_id, profile_id, doc, key)
  );
  CREATE INDEX IF NOT EXISTS records_by_seq ON records (site_id, profile_id, seq);
  CREATE INDEX IF NOT EXISTS records_tombstones ON records (hlc) WHERE deleted = 1;
  CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO counters (name, value) VALUES ('record_seq', 0);
`;

/** A record row with its sequence number (INTEGER). */
type SeqRow = RecordRow & { seq: number };

/** The global change counter: read it, then write the last number used (inside a write transaction). */
export function recordSeq(db: Database.Database) {
  const read = db.prepare<[], { value: number }>("SELECT value FROM counters WHERE name = 'record_seq'");
  const write = db.prepare<[number]>("UPDATE counters SET value = ? WHERE name = 'record_seq'");
  return { last: () => read.get()?.value ?? 0, set: (value: number) => void write.run(value) };
}

/** State documents on an open SQLite database (compaction is in sqlite-compaction.ts). */
export function sqliteDocumentStore(
  db: Database.Database,
): Omit<DocumentStore, 'compactTombstones' | 'compactionWatermark'> {
  const statements = documentStatements(db);
  const { selectSince, selectLive, selectLast } = statements;
  const merge = merger(db, statements);
  return {
    async mergeRecords(siteId, profileId, records, corrections = [], quota, source) {
      // IMMEDIATE: the counter is read then written, so take the write lock first.
      return merge.immediate(siteId, profileId, records, corrections, quota, source);
    },

    async profileUsage(siteId, profileId) {
      return usageOf(statements, siteId, profileId);
    },

    async recordsSince(siteId, profileId, after, limit) {
      // One extra row tells whether another page follows.
      const rows = selectSince.all(siteId, profileId, after, limit + 1);
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return {
        records: page.map(toRecord),
        cursor: page.length > 0 ? page[page.length - 1].seq : after,
        more,
      };
    },

    async liveRecords(siteId, profileId, doc) {
      return selectLive.all(siteId, profileId, doc).map(toRecord);
    },

    async profileCursor(siteId, profileId) {
      return selectLast.get(siteId, profileId)?.seq ?? 0;
    },
  };
}

/** The prepared statements of the document store. */
type Statements = ReturnType<typeof documentStatements>;

export function documentStatements(db: Database.Database) {
  return {
    // The WHERE of DO UPDATE is the merge rule: a stale or repeated record changes nothing (changes = 0).
    // Binary text comparison orders HLCs exactly like JavaScript's string comparison. Each stored
    // version also gets its receive position (migration 2): the seq it is written with, which
    // compaction may renumber later but never received_seq, and the server's clock.
    upsert: db.prepare<[string, string, string, string, string, string, number, number, number, number]>(
      `INSERT INTO records (site_id, profile_id, doc, key, value, hlc, deleted, seq, received_seq, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site_id, profile_id, doc, key) DO UPDATE SET
         value = excluded.value, hlc = excluded.hlc, deleted = excluded.deleted, seq = excluded.seq,
         received_seq = excluded.received_seq, received_at = excluded.received_at
       WHERE excluded.hlc > records.hlc`,
    ),
    // Compare-and-set: a correction lands only on the very record it was computed from.
    correct: db.prepare<
      [string, string, number, number, number, number, string, string, string, string, string]
    >(
      `UPDATE records SET value = ?, hlc = ?, deleted = ?, seq = ?, received_seq = ?, received_at = ?
        WHERE site_id = ? AND profile_id = ? AND doc = ? AND key = ? AND hlc = ?`,
    ),
    selectSince: db.prepare<[string, string, number, number], SeqRow>(
      `SELECT doc, key, value, hlc, deleted, seq FROM records
        WHERE site_id = ? AND profile_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    selectLive: db.prepare<[string, string, string], SeqRow>(
      `SELECT doc, key, value, hlc, deleted, seq FROM records
        WHERE site_id = ? AND profile_id = ? AND doc = ? AND deleted = 0 ORDER BY key`,
    ),
    selectLast: db.prepare<[string, string], { seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM records WHERE site_id = ? AND profile_id = ?',
    ),
    selectUsage: db.prepare<[string, string], ProfileUsage>(
      `SELECT COUNT(*) AS records, COALESCE(SUM(${RECORD_BYTES_SQL}), 0) AS bytes FROM records
        WHERE site_id = ? AND profile_id = ?`,
    ),
    selectSize: db.prepare<[string, string, string, string], StoredSize>(
      `SELECT hlc, ${RECORD_BYTES_SQL} AS bytes FROM records
        WHERE site_id = ? AND profile_id = ? AND doc = ? AND key = ?`,
    ),
  };
}

/** The merge of a push, as a transaction: records win by HLC, corrections by compare-and-set. */
function merger(db: Database.Database, statements: Statements) {
  const { upsert, correct, selectLast } = statements;
  const seq = recordSeq(db);
  const keepReceipts = sqliteReceiptWriter(db);
  return db.transaction(
    (
      siteId: string,
      profileId: string,
      records: SyncRecord[],
      corrections: Correction[],
      quota: ProfileQuota | undefined,
      source: MergeSource | undefined,
    ): MergeResult => {
      const over =
        quota && records.length > 0 ? refusal(statements, siteId, profileId, records, quota) : null;
      if (over) return { written: 0, cursor: 0, from: 0, records: [], overQuota: over };
      keepReceipts(siteId, profileId, records, source);
      const from = selectLast.get(siteId, profileId)?.seq ?? 0;
      let next = seq.last() + 1;
      let written = 0;
      // What the profile's devices are sent: a key written twice (or corrected) only as it ends up.
      const stored = new Map<string, SyncRecord>();
      const receivedAt = Date.now();
      for (const record of records) {
        const { changes } = upsert.run(
          siteId,
          profileId,
          record.doc,
          record.key,
          storedValue(record),
          record.hlc,
          record.deleted ? 1 : 0,
          next,
          next,
          receivedAt,
        );
        if (changes > 0) {
          written += 1;
          next += 1;
          stored.set(recordId(record), asStored(record));
        }
      }
      for (const { record: corrected, replaces } of corrections) {
        const { changes } = correct.run(
          storedValue(corrected),
          corrected.hlc,
          corrected.deleted ? 1 : 0,
          next,
          next,
          receivedAt,
          siteId,
          profileId,
          corrected.doc,
          corrected.key,
          replaces,
        );
        if (changes > 0) {
          written += 1;
          next += 1;
          stored.set(recordId(corrected), asStored(corrected));
        }
      }
      if (written > 0) seq.set(next - 1);
      return { written, cursor: written > 0 ? next - 1 : 0, from, records: [...stored.values()] };
    },
  );
}

/**
 * Why the push would exceed the profile's quota, or null. Called inside the merge's write
 * transaction: no other writer can slip in between check and write.
 */
function refusal(
  statements: Statements,
  siteId: string,
  profileId: string,
  records: SyncRecord[],
  quota: ProfileQuota,
) {
  const usage = usageOf(statements, siteId, profileId);
  // A push that would fit even if each of its keys were new fits: the records it replaces can only
  // make it smaller, so they are read only for a profile near its quota.
  if (!overQuota(usage, records, new Map(), quota)) return null;
  const stored = new Map<string, StoredSize>();
  for (const record of records) {
    const size = statements.selectSize.get(siteId, profileId, record.doc, record.key);
    if (size) stored.set(recordId(record), size);
  }
  return overQuota(usage, records, stored, quota);
}

function usageOf(statements: Statements, siteId: string, profileId: string): ProfileUsage {
  return statements.selectUsage.get(siteId, profileId) ?? { records: 0, bytes: 0 };
}
