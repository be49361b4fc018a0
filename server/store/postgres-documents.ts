import type pg from 'pg';
import { keepReceipts } from './postgres-consent.ts';
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
 * Tables of state documents, as in SQLite (see sqlite-documents.ts): `seq` comes from the sequence
 * `record_seq` (migration 4; the version-1 `counters` row seeds it), taken only for records that win a
 * merge. hlc, doc and key use the "C"
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
 * Which writers take turns. A puller must never see seq N+1 committed while N is still to come, or
 * its cursor would jump past N for good; cursors are per profile, so only writers of one profile
 * need to take turns. A merge holds its profile's transaction-scoped advisory lock (released at
 * commit), then takes its numbers from the `record_seq` sequence: the next merge of that profile takes
 * larger numbers only after this one committed, so within a profile numbers are in commit order and
 * any snapshot that sees one sees every smaller one. Merges of other profiles run at the same time
 * (a global row lock made every push of every profile queue behind one). A rolled-back merge leaves a
 * hole in the numbers, which no cursor minds.
 *
 * Compaction renumbers the records of many profiles at once, and housekeeping must see every record
 * written so far: they take RECORDS_LOCK exclusively, every merge takes it shared (before its
 * profile's), so they wait for the merges in flight and the next ones wait for them, as with the
 * single row lock before.
 */
const RECORDS_LOCK = [0x6f6d6e69, 1]; // 'omni', 1: a two-int key, never equal to a profile's bigint one

/** Takes the locks a merge of one profile holds until it commits (see RECORDS_LOCK). */
export async function lockProfile(tx: pg.PoolClient, siteId: string, profileId: string): Promise<void> {
  // Two profiles whose hashes collide only take turns, as all did before.
  await tx.query(
    `SELECT pg_advisory_xact_lock_shared($1, $2), pg_advisory_xact_lock(hashtextextended($3, 0))`,
    [...RECORDS_LOCK, `${siteId}/${profileId}`],
  );
}

/** Takes every profile's turn at once, for compaction and housekeeping (see RECORDS_LOCK). */
export async function lockAllProfiles(tx: pg.PoolClient): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', RECORDS_LOCK);
}

/** `count` new sequence numbers, ascending (gaps possible: other profiles take numbers meanwhile). */
export async function nextSeqs(tx: pg.PoolClient, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await tx.query<{ seq: string }>(
    "SELECT nextval('record_seq') AS seq FROM generate_series(1, $1)",
    [count],
  );
  return rows.map((row) => int(row.seq)).sort((a, b) => a - b);
}

/** State documents on a PostgreSQL pool (compaction is in postgres-compaction.ts). */
export function postgresDocumentStore(
  pool: pg.Pool,
): Omit<DocumentStore, 'compactTombstones' | 'compactionWatermark'> {
  const read: Db = pool;
  return {
    async mergeRecords(siteId, profileId, records, corrections = [], quota, source) {
      if (records.length === 0 && corrections.length === 0)
        return { written: 0, cursor: 0, from: 0, records: [] };
      return transaction(pool, async (tx) => {
        const merged = await merge(tx, siteId, profileId, records, corrections, quota);
        // A refused merge wrote nothing, so it leaves no receipt either.
        if (!merged.overQuota) await keepReceipts(tx, siteId, profileId, records, source);
        return merged;
      });
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
  await lockProfile(tx, siteId, profileId);
  // Each stored version's receive position (migration 2): the seq it is written with, which compaction
  // may renumber later but never received_seq, and the server's clock.
  const receivedAt = Date.now();
  // Holding the profile's lock we are the only writer of its records, so the merge is worked out
  // here from the stored HLCs and written in one statement, not one round trip per record (a push has
  // up to 500). The quota is checked under the same lock, so concurrent pushes take turns.
  const sizes = await storedSizes(tx, siteId, profileId, records);
  if (quota && records.length > 0) {
    const over = overQuota(await usageOf(tx, siteId, profileId), records, sizes, quota);
    if (over) return { written: 0, cursor: 0, from: 0, records: [], overQuota: over };
  }
  const from = await profileCursorOf(tx, siteId, profileId);
  const wins = winsOf(records, sizes);
  // One number per win and per correction that may land, taken only now that the profile is ours.
  const numbers = await nextSeqs(tx, wins.length + corrections.length);
  // A later win of the same key replaces the earlier one's row: its number is used up, like an overwrite's.
  const winners = new Map(wins.map((record, index) => [recordId(record), { record, seq: numbers[index] }]));
  if (winners.size > 0) await writeWinners(tx, siteId, profileId, [...winners.values()], receivedAt);
  let written = wins.length;
  let cursor = wins.length > 0 ? numbers[wins.length - 1] : 0;
  for (const [index, { record: corrected, replaces }] of corrections.entries()) {
    const seq = numbers[wins.length + index];
    // Compare-and-set: a correction lands only on the very record it was computed from.
    const { rowCount } = await tx.query(
      `UPDATE records SET value = $1, hlc = $2, deleted = $3, seq = $4, received_seq = $4, received_at = $10
        WHERE site_id = $5 AND profile_id = $6 AND doc = $7 AND key = $8 AND hlc = $9`,
      [
        storedValue(corrected),
        corrected.hlc,
        corrected.deleted,
        seq,
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
      cursor = seq;
      winners.set(recordId(corrected), { record: corrected, seq });
    }
  }
  const stored = [...winners.values()].map((winner) => asStored(winner.record));
  return { written, cursor, from, records: stored };
}

/**
 * The records of a push that win, in push order, as SQLite merges them: a key pushed twice meets
 * what the first one left. JavaScript compares these ASCII HLCs byte by byte, as the "C" collation does.
 */
function winsOf(records: SyncRecord[], sizes: Map<string, StoredSize>): SyncRecord[] {
  const current = new Map([...sizes].map(([id, size]) => [id, size.hlc]));
  const wins: SyncRecord[] = [];
  for (const record of records) {
    const id = recordId(record);
    const stored = current.get(id);
    if (stored !== undefined && record.hlc <= stored) continue;
    current.set(id, record.hlc);
    wins.push(record);
  }
  return wins;
}

async function writeWinners(
  tx: pg.PoolClient,
  siteId: string,
  profileId: string,
  rows: { record: SyncRecord; seq: number }[],
  receivedAt: number,
): Promise<void> {
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
  if (rowCount !== rows.length) throw new Error("mergeRecords: records changed under the profile's lock");
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
