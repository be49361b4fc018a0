import type pg from 'pg';
import {
  type Erasure,
  type ErasureReceiptRow,
  type ErasureStore,
  type ErasureSubject,
  noRowsErased,
  nothingErased,
} from './erasure-types.ts';
import { type Db, transaction } from './postgres-db.ts';
import { postgresDeviceSubject, postgresUserSubject } from './postgres-erasure-subject.ts';
import { postgresExport } from './postgres-export.ts';

type Receipt = Omit<ErasureReceiptRow, 'removed' | 'siteId'>;

/**
 * Erasure, suppression and export (ErasureStore) on PostgreSQL. Each erasure is one transaction; the
 * devices' rows go in it, so every server process refuses their tokens from its commit on (no
 * process keeps a device in memory on PostgreSQL).
 */
export function postgresErasureStore(pool: pg.Pool): ErasureStore {
  const erase = async (tx: Db, subject: ErasureSubject | undefined, siteId: string, receipt: Receipt) => {
    const outcome = subject ? await removeSubject(tx, subject, receipt.erasedAt) : nothingErased();
    await tx.query(
      'INSERT INTO erasure_receipts (id, site_id, subject_hash, erased_at, removed) VALUES ($1, $2, $3, $4, $5)',
      [receipt.receiptId, siteId, receipt.subjectHash, receipt.erasedAt, JSON.stringify(outcome.removed)],
    );
    return outcome;
  };

  return {
    eraseUser: (siteId, userId, receipt, suppressHash) =>
      transaction(pool, async (tx) => {
        if (suppressHash) {
          await tx.query(
            `INSERT INTO erasure_suppressions (site_id, subject_hash, suppressed_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING`,
            [siteId, suppressHash, receipt.erasedAt],
          );
        }
        return erase(tx, await postgresUserSubject(tx, siteId, userId, true), siteId, receipt);
      }),

    forgetDevice: (deviceId, receipt) =>
      transaction(pool, async (tx) => {
        const subject = await postgresDeviceSubject(tx, deviceId);
        return erase(tx, subject, subject?.siteId ?? '', receipt);
      }),

    async isErasedToken(tokenHash) {
      const { rows } = await pool.query('SELECT 1 FROM erased_tokens WHERE token_hash = $1', [tokenHash]);
      return rows.length > 0;
    },

    async suppressedSubjects(siteId, hashes) {
      if (hashes.length === 0) return new Set();
      const { rows } = await pool.query<{ subject_hash: string }>(
        'SELECT subject_hash FROM erasure_suppressions WHERE site_id = $1 AND subject_hash = ANY($2::text[])',
        [siteId, hashes],
      );
      return new Set(rows.map((row) => row.subject_hash));
    },

    exportUser: postgresExport(pool),
  };
}

/** Deletes what a subject names (as sqliteRemoval does), in the caller's transaction. */
async function removeSubject(tx: Db, subject: ErasureSubject, at: string): Promise<Erasure> {
  const { siteId } = subject;
  const removed = noRowsErased();
  const count = async (sql: string, params: unknown[]) => (await tx.query(sql, params)).rowCount ?? 0;
  const deleteEvents = async (where: string, key: unknown) => {
    removed.violations += await count(
      `DELETE FROM plan_violations WHERE site_id = $1 AND message_id IN (SELECT message_id FROM events WHERE ${where})`,
      [siteId, key],
    );
    // Their webhook deliveries, whatever their status: a pending one would send the event on.
    removed.deliveries += await count(
      `DELETE FROM webhook_deliveries WHERE site_id = $1
          AND (message_id, credential) IN (SELECT message_id, credential FROM events WHERE ${where})`,
      [siteId, key],
    );
    removed.events += await count(`DELETE FROM events WHERE ${where}`, [siteId, key]);
  };
  if (subject.userId !== null) await deleteEvents('site_id = $1 AND user_id = $2', subject.userId);
  if (subject.anonymousIds.length > 0) {
    const onlyAnonymous = subject.onlyAnonymousEvents ? 'AND user_id IS NULL' : '';
    await deleteEvents(
      `site_id = $1 AND anonymous_id = ANY($2::text[]) ${onlyAnonymous}`,
      subject.anonymousIds,
    );
  }
  const profiles = [siteId, subject.profileIds];
  removed.records = await count(
    'DELETE FROM records WHERE site_id = $1 AND profile_id = ANY($2::text[])',
    profiles,
  );
  await count('DELETE FROM compactions WHERE site_id = $1 AND profile_id = ANY($2::text[])', profiles);
  // The proof of consent goes with the profile it proves: nothing is left to prove it about.
  await count('DELETE FROM consent_receipts WHERE site_id = $1 AND profile_id = ANY($2::text[])', profiles);
  removed.handoffs = await count(
    `DELETE FROM handoffs WHERE (site_id = $1 AND profile_id = ANY($2::text[]))
        OR created_by = ANY($3::text[]) OR claimed_by = ANY($3::text[])`,
    [...profiles, subject.deviceIds],
  );
  await tx.query(
    `INSERT INTO erased_tokens (token_hash, erased_at)
     SELECT token_hash, $1 FROM devices WHERE id = ANY($2::text[]) ON CONFLICT DO NOTHING`,
    [at, subject.deviceIds],
  );
  removed.devices = await count('DELETE FROM devices WHERE id = ANY($1::text[])', [subject.deviceIds]);
  removed.profiles = await count(
    'DELETE FROM profiles WHERE site_id = $1 AND id = ANY($2::text[])',
    profiles,
  );
  return { removed, deviceIds: subject.deviceIds, profileIds: subject.profileIds };
}
