import type pg from 'pg';
import { RECEIPT_COLUMNS, type ReceiptSqlRow, toReceipt } from './consent-rows.ts';
import type { ErasureStore, ExportedEvent, ExportedProfile } from './erasure-types.ts';
import { type Db, int } from './postgres-db.ts';
import { postgresUserSubject } from './postgres-erasure-subject.ts';

interface EventRow {
  position: string;
  message_id: string;
  type: string;
  credential: 'public' | 'server';
  received_at: string;
  body: string;
}

/**
 * The export on PostgreSQL (see sqlite-export.ts): a page of events in the order the server received
 * them (`id`), the profiles with the first page.
 */
export function postgresExport(pool: pg.Pool): ErasureStore['exportUser'] {
  return async (siteId, userId, page) => {
    const subject = await postgresUserSubject(pool, siteId, userId);
    const after = page.after === '' ? 0 : Number(page.after);
    const { rows } = await pool.query<EventRow>(
      `SELECT id AS position, message_id, type, credential, received_at, body FROM events
        WHERE site_id = $1 AND id > $2 AND (user_id = $3 OR anonymous_id = ANY($4::text[]))
        ORDER BY id LIMIT $5`,
      [siteId, after, userId, subject.anonymousIds, page.limit + 1],
    );
    const shown = rows.slice(0, page.limit);
    const violations = await pool.query<{ message_id: string; kind: string; path: string; message: string }>(
      `SELECT message_id, kind, path, message FROM plan_violations
        WHERE site_id = $1 AND message_id = ANY($2::text[]) ORDER BY kind, path`,
      [siteId, shown.map((row) => row.message_id)],
    );
    const profiles = [];
    if (page.after === '')
      for (const id of subject.profileIds) profiles.push(await exportProfile(pool, siteId, id));
    return {
      profiles,
      events: shown.map(
        (row): ExportedEvent => ({
          messageId: row.message_id,
          type: row.type,
          credential: row.credential,
          receivedAt: row.received_at,
          body: row.body,
          violations: violations.rows
            .filter((v) => v.message_id === row.message_id)
            .map(({ kind, path, message }) => ({ kind, path, message })),
        }),
      ),
      ...(rows.length > page.limit ? { next: String(shown[shown.length - 1]?.position) } : {}),
    };
  };
}

/** One profile with its devices, live documents and handoffs: never a token hash. */
async function exportProfile(db: Db, siteId: string, profileId: string): Promise<ExportedProfile> {
  const [profile, devices, records, handoffs, receipts] = await Promise.all([
    db.query<{ user_id: string | null; created_at: string }>(
      'SELECT user_id, created_at FROM profiles WHERE site_id = $1 AND id = $2',
      [siteId, profileId],
    ),
    db.query<{ id: string; anonymous_id: string; created_at: string; revoked_at: string | null }>(
      'SELECT id, anonymous_id, created_at, revoked_at FROM devices WHERE profile_id = $1 ORDER BY created_at, id',
      [profileId],
    ),
    db.query<{ doc: string; key: string; value: string }>(
      'SELECT doc, key, value FROM records WHERE site_id = $1 AND profile_id = $2 AND NOT deleted ORDER BY doc, key',
      [siteId, profileId],
    ),
    db.query<{
      kind: 'handoff' | 'store';
      created_by: string;
      created_at: string;
      expires_at: string;
      claimed_at: string | null;
    }>(
      'SELECT kind, created_by, created_at, expires_at, claimed_at FROM handoffs WHERE site_id = $1 AND profile_id = $2 ORDER BY created_at',
      [siteId, profileId],
    ),
    db.query<ReceiptSqlRow>(
      `SELECT ${RECEIPT_COLUMNS} FROM consent_receipts WHERE site_id = $1 AND profile_id = $2 ORDER BY id`,
      [siteId, profileId],
    ),
  ]);
  const documents: ExportedProfile['documents'] = {};
  for (const record of records.rows) {
    documents[record.doc] ??= {};
    documents[record.doc][record.key] = record.value;
  }
  const iso = (ms: string) => new Date(int(ms)).toISOString();
  return {
    profileId,
    userId: profile.rows[0]?.user_id ?? null,
    createdAt: profile.rows[0]?.created_at ?? '',
    devices: devices.rows.map((d) => ({
      deviceId: d.id,
      anonymousId: d.anonymous_id,
      createdAt: d.created_at,
      revokedAt: d.revoked_at,
    })),
    documents,
    handoffs: handoffs.rows.map((h) => ({
      kind: h.kind,
      createdBy: h.created_by,
      createdAt: iso(h.created_at),
      expiresAt: iso(h.expires_at),
      claimedAt: h.claimed_at === null ? null : iso(h.claimed_at),
    })),
    consentReceipts: receipts.rows.map(toReceipt),
  };
}
