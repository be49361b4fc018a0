import type Database from 'better-sqlite3';
import { RECEIPT_COLUMNS, type ReceiptSqlRow, toReceipt } from './consent-rows.ts';
import type { ErasureStore, ExportedEvent, ExportedProfile } from './erasure-types.ts';
import { IN_LIST, list, type sqliteSubjects } from './sqlite-erasure-subject.ts';

interface EventRow {
  position: number;
  message_id: string;
  type: string;
  credential: 'public' | 'server';
  received_at: string;
  body: string;
}

/**
 * The export (right of access) on an open SQLite database: the rows an erasure of the user would
 * remove. Events come a page at a time in the order the server received them (rowid), so one
 * request's work is bounded however many there are; profiles (bounded by the per-profile quotas)
 * come with the first page.
 */
export function sqliteExport(
  db: Database.Database,
  subjects: ReturnType<typeof sqliteSubjects>,
): ErasureStore['exportUser'] {
  const events = db.prepare<[string, number, string, string, number], EventRow>(
    `SELECT rowid AS position, message_id, type, credential, received_at, body FROM events
      WHERE site_id = ? AND rowid > ? AND (user_id = ? OR anonymous_id ${IN_LIST})
      ORDER BY rowid LIMIT ?`,
  );
  const violations = db.prepare<[string, string], { kind: string; path: string; message: string }>(
    'SELECT kind, path, message FROM plan_violations WHERE site_id = ? AND message_id = ? ORDER BY kind, path',
  );
  const profile = profileReader(db);

  return async (siteId, userId, page) => {
    const subject = subjects.ofUser(siteId, userId);
    const after = page.after === '' ? 0 : Number(page.after);
    const rows = events.all(siteId, after, userId, list(subject.anonymousIds), page.limit + 1);
    const more = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    return {
      profiles: page.after === '' ? subject.profileIds.map((id) => profile(siteId, id)) : [],
      events: shown.map(
        (row): ExportedEvent => ({
          messageId: row.message_id,
          type: row.type,
          credential: row.credential,
          receivedAt: row.received_at,
          body: row.body,
          violations: violations.all(siteId, row.message_id),
        }),
      ),
      ...(more ? { next: String(shown[shown.length - 1]?.position) } : {}),
    };
  };
}

/** One profile with its devices, live documents and handoffs: never a token hash. */
function profileReader(db: Database.Database) {
  const row = db.prepare<[string, string], { id: string; user_id: string | null; created_at: string }>(
    'SELECT id, user_id, created_at FROM profiles WHERE site_id = ? AND id = ?',
  );
  const devices = db.prepare<
    [string],
    { id: string; anonymous_id: string; created_at: string; revoked_at: string | null }
  >(
    'SELECT id, anonymous_id, created_at, revoked_at FROM devices WHERE profile_id = ? ORDER BY created_at, id',
  );
  const records = db.prepare<[string, string], { doc: string; key: string; value: string }>(
    'SELECT doc, key, value FROM records WHERE site_id = ? AND profile_id = ? AND deleted = 0 ORDER BY doc, key',
  );
  const handoffs = db.prepare<
    [string, string],
    {
      kind: 'handoff' | 'store';
      created_by: string;
      created_at: number;
      expires_at: number;
      claimed_at: number | null;
    }
  >(
    'SELECT kind, created_by, created_at, expires_at, claimed_at FROM handoffs WHERE site_id = ? AND profile_id = ? ORDER BY created_at',
  );
  const consentReceipts = db.prepare<[string, string], ReceiptSqlRow>(
    `SELECT ${RECEIPT_COLUMNS} FROM consent_receipts WHERE site_id = ? AND profile_id = ? ORDER BY id`,
  );
  const iso = (ms: number) => new Date(ms).toISOString();

  return (siteId: string, profileId: string): ExportedProfile => {
    const found = row.get(siteId, profileId);
    const documents: ExportedProfile['documents'] = {};
    for (const record of records.all(siteId, profileId)) {
      documents[record.doc] ??= {};
      documents[record.doc][record.key] = record.value;
    }
    return {
      profileId,
      userId: found?.user_id ?? null,
      createdAt: found?.created_at ?? '',
      devices: devices.all(profileId).map((d) => ({
        deviceId: d.id,
        anonymousId: d.anonymous_id,
        createdAt: d.created_at,
        revokedAt: d.revoked_at,
      })),
      documents,
      handoffs: handoffs.all(siteId, profileId).map((h) => ({
        kind: h.kind,
        createdBy: h.created_by,
        createdAt: iso(h.created_at),
        expiresAt: iso(h.expires_at),
        claimedAt: h.claimed_at === null ? null : iso(h.claimed_at),
      })),
      consentReceipts: consentReceipts.all(siteId, profileId).map(toReceipt),
    };
  };
}
