import type pg from 'pg';
import { CONSENT_DOC } from '../../src/protocol/index.ts';
import { RECEIPT_COLUMNS, type ReceiptSqlRow, receiptsOf, toReceipt } from './consent-rows.ts';
import type { ConsentStore } from './consent-types.ts';
import type { Db } from './postgres-db.ts';
import { type RecordRow, toRecord } from './rows.ts';
import type { MergeSource, SyncRecord } from './sync-types.ts';

/**
 * Writes the receipts of a merge's consent records in the merge's transaction, in one statement.
 * ON CONFLICT DO NOTHING: a record received before (same profile, category and hlc) is no new change.
 */
export async function keepReceipts(
  tx: Db,
  siteId: string,
  profileId: string,
  records: SyncRecord[],
  source: MergeSource | undefined,
): Promise<void> {
  const rows = receiptsOf(records, source);
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO consent_receipts
       (site_id, profile_id, category, hlc, granted, channel, policy, device_id, client_at, received_at)
     SELECT $1, $2, category, hlc, granted, channel, policy, device_id, client_at, received_at
       FROM unnest($3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::bigint[],
                   $10::bigint[]) WITH ORDINALITY
            AS receipt (category, hlc, granted, channel, policy, device_id, client_at, received_at, n)
      ORDER BY n
     ON CONFLICT (site_id, profile_id, category, hlc) DO NOTHING`,
    [
      siteId,
      profileId,
      rows.map((row) => row.category),
      rows.map((row) => row.hlc),
      rows.map((row) => row.granted),
      rows.map((row) => row.channel),
      rows.map((row) => row.policy),
      rows.map((row) => row.deviceId),
      rows.map((row) => row.clientAt),
      rows.map((row) => row.receivedAt),
    ],
  );
}

/** Reading a user's consent (ConsentStore) on PostgreSQL. */
export function postgresConsentStore(pool: pg.Pool): ConsentStore {
  return {
    async consentOfUser(siteId, userId, page) {
      const account = await pool.query<{ id: string }>(
        'SELECT id FROM profiles WHERE site_id = $1 AND user_id = $2',
        [siteId, userId],
      );
      const profileId = account.rows[0]?.id;
      if (profileId === undefined) return { current: [], receipts: [] };
      const after = page.after === '' ? 0 : Number(page.after);
      const [current, receipts] = await Promise.all([
        pool.query<RecordRow>(
          `SELECT doc, key, value, hlc, deleted FROM records
            WHERE site_id = $1 AND profile_id = $2 AND doc = $3 AND NOT deleted ORDER BY key`,
          [siteId, profileId, CONSENT_DOC],
        ),
        pool.query<ReceiptSqlRow>(
          `SELECT ${RECEIPT_COLUMNS} FROM consent_receipts
            WHERE site_id = $1 AND profile_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
          [siteId, profileId, after, page.limit + 1],
        ),
      ]);
      const shown = receipts.rows.slice(0, page.limit);
      return {
        current: current.rows.map(toRecord),
        receipts: shown.map(toReceipt),
        ...(receipts.rows.length > page.limit ? { next: String(shown[shown.length - 1]?.position) } : {}),
      };
    },
  };
}
