import type Database from 'better-sqlite3';
import {
  type Erasure,
  type ErasureReceiptRow,
  type ErasureStore,
  type ErasureSubject,
  noRowsErased,
  nothingErased,
} from './erasure-types.ts';
import { IN_LIST, list, sqliteSubjects } from './sqlite-erasure-subject.ts';
import { sqliteExport } from './sqlite-export.ts';

type Receipt = Omit<ErasureReceiptRow, 'removed' | 'siteId'>;

/** Erasure, suppression and export (ErasureStore) on an open SQLite database. */
export function sqliteErasureStore(db: Database.Database): ErasureStore {
  const subjects = sqliteSubjects(db);
  const remove = sqliteRemoval(db);
  const keepReceipt = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO erasure_receipts (id, site_id, subject_hash, erased_at, removed) VALUES (?, ?, ?, ?, ?)',
  );
  const suppress = db.prepare<[string, string, string]>(
    'INSERT OR IGNORE INTO erasure_suppressions (site_id, subject_hash, suppressed_at) VALUES (?, ?, ?)',
  );
  const erasedToken = db
    .prepare<[string], number>('SELECT 1 FROM erased_tokens WHERE token_hash = ?')
    .pluck();
  const suppressed = db
    .prepare<[string, string], string>(
      `SELECT subject_hash FROM erasure_suppressions WHERE site_id = ? AND subject_hash ${IN_LIST}`,
    )
    .pluck();

  const erase = (subject: ErasureSubject | undefined, siteId: string, receipt: Receipt): Erasure => {
    const outcome = subject ? remove(subject, receipt.erasedAt) : nothingErased();
    const at = receipt.erasedAt;
    keepReceipt.run(receipt.receiptId, siteId, receipt.subjectHash, at, JSON.stringify(outcome.removed));
    return outcome;
  };
  // IMMEDIATE: the write lock first, so nothing the subject's lookups found changes before it goes.
  const eraseUser = db.transaction(
    (siteId: string, userId: string, receipt: Receipt, suppressHash: string | undefined) => {
      if (suppressHash) suppress.run(siteId, suppressHash, receipt.erasedAt);
      return erase(subjects.ofUser(siteId, userId), siteId, receipt);
    },
  );
  const forgetDevice = db.transaction((deviceId: string, receipt: Receipt) => {
    const subject = subjects.ofDevice(deviceId);
    return erase(subject, subject?.siteId ?? '', receipt);
  });

  return {
    async eraseUser(siteId, userId, receipt, suppressHash) {
      return eraseUser.immediate(siteId, userId, receipt, suppressHash);
    },
    async forgetDevice(deviceId, receipt) {
      return forgetDevice.immediate(deviceId, receipt);
    },
    async isErasedToken(tokenHash) {
      return erasedToken.get(tokenHash) !== undefined;
    },
    async suppressedSubjects(siteId, hashes) {
      return new Set(hashes.length === 0 ? [] : suppressed.all(siteId, list(hashes)));
    },
    exportUser: sqliteExport(db, subjects),
  };
}

/**
 * Deletes what a subject names, by the tables' indexes, in the caller's transaction. Violations and
 * webhook deliveries go before their events (they are found through them), and the devices' token hashes are kept before
 * the devices go.
 */
function sqliteRemoval(db: Database.Database) {
  const byEvents = (where: string) => ({
    violations: db.prepare(
      `DELETE FROM plan_violations WHERE site_id = ? AND message_id IN (SELECT message_id FROM events WHERE ${where})`,
    ),
    // Their webhook deliveries, whatever their status: a pending one would send the event on.
    deliveries: db.prepare(
      `DELETE FROM webhook_deliveries WHERE site_id = ?
          AND (message_id, credential) IN (SELECT message_id, credential FROM events WHERE ${where})`,
    ),
    events: db.prepare(`DELETE FROM events WHERE ${where}`),
  });
  const ofUser = byEvents('site_id = ? AND user_id = ?');
  const ofAnonymousIds = byEvents(`site_id = ? AND anonymous_id ${IN_LIST}`);
  const ofAnonymousOnly = byEvents(`site_id = ? AND anonymous_id ${IN_LIST} AND user_id IS NULL`);
  const records = db.prepare(`DELETE FROM records WHERE site_id = ? AND profile_id ${IN_LIST}`);
  const watermarks = db.prepare(`DELETE FROM compactions WHERE site_id = ? AND profile_id ${IN_LIST}`);
  const consentReceipts = db.prepare(
    `DELETE FROM consent_receipts WHERE site_id = ? AND profile_id ${IN_LIST}`,
  );
  const handoffs = db.prepare(
    `DELETE FROM handoffs WHERE (site_id = ? AND profile_id ${IN_LIST}) OR created_by ${IN_LIST} OR claimed_by ${IN_LIST}`,
  );
  const keepTokens = db.prepare(
    `INSERT OR IGNORE INTO erased_tokens (token_hash, erased_at) SELECT token_hash, ? FROM devices WHERE id ${IN_LIST}`,
  );
  const devices = db.prepare(`DELETE FROM devices WHERE id ${IN_LIST}`);
  const profiles = db.prepare(`DELETE FROM profiles WHERE site_id = ? AND id ${IN_LIST}`);

  return (subject: ErasureSubject, at: string): Erasure => {
    const { siteId } = subject;
    const removed = noRowsErased();
    const deleteEvents = (statements: ReturnType<typeof byEvents>, key: string) => {
      removed.violations += statements.violations.run(siteId, siteId, key).changes;
      removed.deliveries += statements.deliveries.run(siteId, siteId, key).changes;
      removed.events += statements.events.run(siteId, key).changes;
    };
    if (subject.userId !== null) deleteEvents(ofUser, subject.userId);
    if (subject.anonymousIds.length > 0) {
      const anonymous = subject.onlyAnonymousEvents ? ofAnonymousOnly : ofAnonymousIds;
      deleteEvents(anonymous, list(subject.anonymousIds));
    }
    const profileIds = list(subject.profileIds);
    const deviceIds = list(subject.deviceIds);
    removed.records = records.run(siteId, profileIds).changes;
    watermarks.run(siteId, profileIds);
    // The proof of consent goes with the profile it proves: nothing is left to prove it about.
    consentReceipts.run(siteId, profileIds);
    removed.handoffs = handoffs.run(siteId, profileIds, deviceIds, deviceIds).changes;
    keepTokens.run(at, deviceIds);
    removed.devices = devices.run(deviceIds).changes;
    removed.profiles = profiles.run(siteId, profileIds).changes;
    return { removed, deviceIds: subject.deviceIds, profileIds: subject.profileIds };
  };
}
