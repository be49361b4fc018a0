import type Database from 'better-sqlite3';
import { CONSENT_DOC } from '../../src/protocol/index.ts';
import { RECEIPT_COLUMNS, type ReceiptSqlRow, receiptsOf, toReceipt } from './consent-rows.ts';
import type { ConsentStore } from './consent-types.ts';
import { type RecordRow, toRecord } from './rows.ts';
import type { MergeSource, SyncRecord } from './sync-types.ts';

/**
 * Writes the receipts of a merge's consent records, in the caller's (the merge's) transaction. OR
 * IGNORE: a record received before (same profile, category and hlc) is no new change.
 */
export function sqliteReceiptWriter(db: Database.Database) {
  const insert = db.prepare<
    [string, string, string, string, number, string, string | null, string, number, number]
  >(
    `INSERT OR IGNORE INTO consent_receipts
       (site_id, profile_id, category, hlc, granted, channel, policy, device_id, client_at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (siteId: string, profileId: string, records: SyncRecord[], source: MergeSource | undefined) => {
    for (const row of receiptsOf(records, source)) {
      insert.run(
        siteId,
        profileId,
        row.category,
        row.hlc,
        row.granted ? 1 : 0,
        row.channel,
        row.policy,
        row.deviceId,
        row.clientAt,
        row.receivedAt,
      );
    }
  };
}

/** Reading a user's consent (ConsentStore) on an open SQLite database. */
export function sqliteConsentStore(db: Database.Database): ConsentStore {
  const account = db
    .prepare<[string, string], string>('SELECT id FROM profiles WHERE site_id = ? AND user_id = ?')
    .pluck();
  const current = db.prepare<[string, string], RecordRow>(
    `SELECT doc, key, value, hlc, deleted FROM records
      WHERE site_id = ? AND profile_id = ? AND doc = '${CONSENT_DOC}' AND deleted = 0 ORDER BY key`,
  );
  const receipts = db.prepare<[string, string, number, number], ReceiptSqlRow>(
    `SELECT ${RECEIPT_COLUMNS} FROM consent_receipts
      WHERE site_id = ? AND profile_id = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  return {
    async consentOfUser(siteId, userId, page) {
      const profileId = account.get(siteId, userId);
      if (profileId === undefined) return { current: [], receipts: [] };
      const after = page.after === '' ? 0 : Number(page.after);
      const rows = receipts.all(siteId, profileId, after, page.limit + 1);
      const shown = rows.slice(0, page.limit);
      return {
        current: current.all(siteId, profileId).map(toRecord),
        receipts: shown.map(toReceipt),
        ...(rows.length > page.limit ? { next: String(shown[shown.length - 1]?.position) } : {}),
      };
    },
  };
}
