import type pg from 'pg';
import { type Db, int, transaction } from './postgres-db.ts';
import { asStored, type RecordRow, storedValue, toRecord } from './rows.ts';
import type {
  Correction,
  DocumentStore,
  MergeResult,
  ProfileQuota,
  ProfileUsage,
  SyncRecord,
} from './sync-types.ts';
import { overQuota, RECORD_BYTES_SQL, recordId, type StoredSize } from './usage.ts';

/**
 * Tables of state documents, as in SQLite (see sqlite-documents.ts): `seq` comes from the one global
 * counter in `counters`, bumped only for records that win a merge. hlc, doc and key use the "C"
 * collation: the merge rule compares HLCs byte by byte, exactly like JavaScript, in any locale.
 */
export const DOCUMENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    doc        TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    value      TEXT NOT NULL,
    hlc        TEXT COLLATE "C" NOT NULL,
    deleted    BOOLEAN NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (site_id, profile_id, doc, key)
  );
  CREATE INDEX IF NOT EXISTS records_by_seq ON records (site_id, profile_id, seq);
  CREATE INDEX IF NOT EXISTS records_tombstones ON records (hlc) WHERE deleted;
  CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
  );
  INSERT INTO counters (name, value) VALUES ('record_seq', 0) ON CONFLICT DO NOTHING;
`;

/** A record row with its sequence number (BIGINT: a string from pg). */
type SeqRow = RecordRow & { seq: string };

/**
 * Why a row lock and not a SEQUENCE: a puller must never see seq N+1 committed while N is still to
 * come, or its cursor would jump past N for good. With nextval(), writer A may take N, writer B N+1,
 * and B commit first; and a rolled-back nextval leaves a hole. So every writer of `seq` (merges,
 * compaction) first locks the counter row, FOR UPDATE, and holds it until it commits: writers take
 * turns as under SQLite's single write lock, numbers are handed out gap-free in commit order, and any
 * snapshot that sees a number sees every smaller one. The lock is held only for one push's statements.
 *
 * Returns the last number used; the caller writes back its own last one with `setRecordSeq`.
 */
export async function lockRecordSeq(tx: pg.PoolClient): Promise<number> {
  const { rows } = await tx.query<{ value: string }>(
    "SELECT value FROM counters WHERE name = 'record_seq' FOR UPDATE",
  );
  return int(rows[0]?.value);
}

/** Stores the last sequence number used, in the transaction holding the counter's lock. */
export async function setRecordSeq(tx: pg.PoolClient, value: number): Promise<void> {
  await tx.query("UPDATE counters SET value = $1 WHERE name = 'record_seq'", [value]);
}

/** State documents on a PostgreSQL pool (compaction is in postgres-compaction.ts). */
export function postgresDocumentStore(
  pool: pg.Pool,
): Omit<DocumentStore, 'compactTombstones' | 'compactionWatermark'> {
  const read: Db = pool;
  return {
    async mergeRecords(siteId, profileId, records, corrections = [], quota) {
      if (records.length === 0 && corrections.length === 0)
        return { written: 0, cursor: 0, from: 0, records: [] };
      return transaction(pool, (tx) => merge(tx, siteId, profileId, records, corrections, quota));
    },

    async profileUsage(siteId, profileId) {
      return usageOf(read, siteId, profileId);
    },

    async recordsSince(siteId, profileId, after, limit) {
      // One extra row tells whether another page follows.
      const { rows } = await read.query<SeqRow>(
        `SELECT doc, key, value, hlc, deleted, seq FROM records
          WHERE site_id = $1 AND profile_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
        [siteId, profileId, after, limit + 1],
      );
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return {
        records: page.map(toRecord),
        cursor: page.length > 0 ? int(page[page.length - 1].seq) : after,
        more,
      };
    },

    async liveRecords(siteId, profileId, doc) {
      const { rows } = await read.query<SeqRow>(
        `SELECT doc, key, value, hlc, deleted, seq FROM records
          WHERE site_id = $1 AND profile_id = $2 AND doc = $3 AND NOT deleted ORDER BY key`,
        [siteId, profileId, doc],
      );
      return rows.map(toRecord);
    },

    async profileCursor(siteId, profileId) {
      return profileCursorOf(read, siteId, profileId);
    },
  };
}

/** The sequence number of the profile's last change (0 when it has none). */
async function profileCursorOf(db: Db, siteId: string, profileId: string): Promise<number> {
  const { rows } = await db.query<{ seq: string | null }>(
    'SELECT MAX(seq) AS seq FROM records WHERE site_id = $1 AND profile_id = $2',
    [siteId, profileId],
  );
  return int(rows[0]?.seq);
}

async function merge(
  tx: pg.PoolClient,
  siteId: string,
  profileId: string,
  records: SyncRecord[],
  corrections: Correction[],
  quota: ProfileQuota | undefined,
): Promise<MergeResult> {
  let next = (await lockRecordSeq(tx)) + 1;
  // Each stored version's receive position (migration 2): the seq it is written with, which compaction
  // may renumber later but never received_seq, and the server's clock.
  const receivedAt = Date.now();
  // Holding the counter's lock we are the only writer of records, so the merge is worked out here
  // from the stored HLCs and written in one statement, not one round trip per record (a push has up
  // to 500). In push order, as SQLite does it: a key pushed twice meets what the first one left, and
  // each win takes a number. The quota is checked under the same lock, so concurrent pushes take turns.
  const sizes = await storedSizes(tx, siteId, profileId, records);
  if (quota && records.length > 0) {
    const over = overQuota(await usageOf(tx, siteId, profileId), records, sizes, quota);
    if (over) return { written: 0, cursor: 0, from: 0, records: [], overQuota: over };
  }
  const from = await profileCursorOf(tx, siteId, profileId);
  const current = new Map([...sizes].map(([id, size]) => [id, size.hlc]));
  const winners = new Map<string, { record: SyncRecord; seq: number }>();
  let written = 0;
  for (const record of records) {
    const id = recordId(record);
    const stored = current.get(id);
    // JavaScript compares these ASCII strings byte by byte, as the "C" collation does.
    if (stored !== undefined && record.hlc <= stored) continue;
    current.set(id, record.hlc);
    // A later win of the same key replaces this row: its number is used up, like an overwrite's.
    winners.set(id, { record, seq: next });
    written += 1;
    next += 1;
  }
  if (winners.size > 0) {
    const rows = [...winners.values()];
    const { rowCount } = await tx.query(
      `INSERT INTO records (site_id, profile_id, doc, key, value, hlc, deleted, seq, received_seq, received_at)
       SELECT $1, $2, doc, key, value, hlc, deleted, seq, seq, $9::bigint
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::bigint[])
              AS batch (doc, key, value, hlc, deleted, seq)
       ON CONFLICT (site_id, profile_id, doc, key) DO UPDATE SET
         value = excluded.value, hlc = excluded.hlc, deleted = excluded.deleted, seq = excluded.seq,
         received_seq = excluded.received_seq, received_at = excluded.received_at
       WHERE excluded.hlc > records.hlc`,
      [
        siteId,
        profileId,
        rows.map((winner) => winner.record.doc),
        rows.map((winner) => winner.record.key),
        rows.map((winner) => storedValue(winner.record)),
        rows.map((winner) => winner.record.hlc),
        rows.map((winner) => winner.record.deleted),
        rows.map((winner) => winner.seq),
        receivedAt,
      ],
    );
    // The WHERE above repeats the merge rule; it can only disagree if someone wrote without the lock.
    if (rowCount !== rows.length) throw new Error('mergeRecords: records changed under the counter lock');
  }
  for (const { record: corrected, replaces } of corrections) {
    // Compare-and-set: a correction lands only on the very record it was computed from.
    const { rowCount } = await tx.query(
      `UPDATE records SET value = $1, hlc = $2, deleted = $3, seq = $4, received_seq = $4, received_at = $10
        WHERE site_id = $5 AND profile_id = $6 AND doc = $7 AND key = $8 AND hlc = $9`,
      [
        storedValue(corrected),
        corrected.hlc,
        corrected.deleted,
        next,
        siteId,
        profileId,
        corrected.doc,
        corrected.key,
        replaces,
        receivedAt,
      ],
    );
    if (rowCount) {
      written += 1;
      next += 1;
      winners.set(recordId(corrected), { record: corrected, seq: next - 1 });
    }
  }
  if (written > 0) await setRecordSeq(tx, next - 1);
  const stored = [...winners.values()].map((winner) => asStored(winner.record));
  return { written, cursor: written > 0 ? next - 1 : 0, from, records: stored };
}

/** The stored hlc and bytes of each (doc, key) the push names, by `recordId`. */
async function storedSizes(
  tx: pg.PoolClient,
  siteId: string,
  profileId: string,
  records: SyncRecord[],
): Promise<Map<string, StoredSize>> {
  const sizes = new Map<string, StoredSize>();
  if (records.length === 0) return sizes;
  const { rows } = await tx.query<{ doc: string; key: string; hlc: string; bytes: number }>(
    `SELECT doc, key, hlc, (${RECORD_BYTES_SQL})::int AS bytes FROM records
      WHERE site_id = $1 AND profile_id = $2
        AND (doc, key) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [siteId, profileId, records.map((record) => record.doc), records.map((record) => record.key)],
  );
  for (const row of rows) sizes.set(recordId(row), { hlc: row.hlc, bytes: row.bytes });
  return sizes;
}

async function usageOf(db: Db, siteId: string, profileId: string): Promise<ProfileUsage> {
  const { rows } = await db.query<{ records: string; bytes: string }>(
    `SELECT COUNT(*) AS records, COALESCE(SUM(${RECORD_BYTES_SQL}), 0) AS bytes FROM records
      WHERE site_id = $1 AND profile_id = $2`,
    [siteId, profileId],
  );
  return { records: int(rows[0]?.records), bytes: int(rows[0]?.bytes) };
}
