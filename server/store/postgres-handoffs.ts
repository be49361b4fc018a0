import type pg from 'pg';
import { int, transaction } from './postgres-db.ts';
import type { ClaimResult, HandoffKind, HandoffStore, StoreCodeUse } from './sync-types.ts';

/**
 * Table of handoffs; the token itself is never stored, only its SHA-256 (an in-store code's: its HMAC,
 * see server/store-codes). Times in epoch ms. `kind` is added by a migration (postgres-migrations.ts).
 */
export const HANDOFFS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS handoffs (
    token_hash TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claimed_at BIGINT,
    claimed_by TEXT
  );
`;

interface HandoffRow {
  kind: HandoffKind;
  site_id: string;
  profile_id: string;
  created_by: string;
  expires_at: string;
  claimed_at: string | null;
}

// The kind is part of every lookup: an in-store code is never a link that moves a device.
const SELECT = `SELECT kind, site_id, profile_id, created_by, expires_at, claimed_at FROM handoffs
                 WHERE site_id = $1 AND token_hash = $2 AND kind = $3`;

/** Handoffs on a PostgreSQL pool. */
export function postgresHandoffStore(pool: pg.Pool): HandoffStore {
  return {
    async createHandoff(handoff) {
      await pool.query(
        `INSERT INTO handoffs (token_hash, site_id, profile_id, created_by, created_at, expires_at, kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          handoff.tokenHash,
          handoff.siteId,
          handoff.profileId,
          handoff.createdBy,
          Date.now(),
          handoff.expiresAt.getTime(),
          handoff.kind ?? 'handoff',
        ],
      );
    },

    async findHandoff(siteId, tokenHash, kind = 'handoff') {
      const row = (await pool.query<HandoffRow>(SELECT, [siteId, tokenHash, kind])).rows[0];
      if (!row) return null;
      return {
        kind: row.kind,
        siteId: row.site_id,
        profileId: row.profile_id,
        createdBy: row.created_by,
        expiresAt: new Date(int(row.expires_at)),
        claimedAt: row.claimed_at === null ? null : new Date(int(row.claimed_at)),
      };
    },

    async claimHandoff(siteId, tokenHash, deviceId, now) {
      return transaction(pool, (tx) => claim(tx, siteId, tokenHash, deviceId, now.getTime()));
    },

    async useStoreCode(siteId, codeHash, usedBy, now) {
      return transaction(pool, (tx) => useCode(tx, siteId, codeHash, usedBy, now.getTime()));
    },

    async endHandoffs(siteId, profileId, now) {
      const { rowCount } = await pool.query(
        `UPDATE handoffs SET expires_at = $1
          WHERE site_id = $2 AND profile_id = $3 AND claimed_at IS NULL AND expires_at > $1`,
        [now.getTime(), siteId, profileId],
      );
      return rowCount ?? 0;
    },
  };
}

async function claim(
  tx: pg.PoolClient,
  siteId: string,
  tokenHash: string,
  deviceId: string,
  now: number,
): Promise<ClaimResult> {
  const row = (await tx.query<HandoffRow>(SELECT, [siteId, tokenHash, 'handoff'])).rows[0];
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.claimed_at !== null) return { ok: false, reason: 'used' };
  if (int(row.expires_at) <= now) return { ok: false, reason: 'expired' };
  // FOR UPDATE: a concurrent link of this device (sign-in) waits, so the profile we check and report
  // is the one we move it from, and a device signed in before we read it is never moved. (Its
  // profile is read apart: a locking join would drop the row whose profile_id a sign-in changed.)
  const previous = (
    await tx.query<{ profile_id: string }>('SELECT profile_id FROM devices WHERE id = $1 FOR UPDATE', [
      deviceId,
    ])
  ).rows[0];
  if (!previous) throw new Error(`claimHandoff: no device ${deviceId}`);
  // A profile's user is set when it is created and never changes.
  const profile = await tx.query<{ user_id: string | null }>('SELECT user_id FROM profiles WHERE id = $1', [
    previous.profile_id,
  ]);
  if (profile.rows[0]?.user_id != null) return { ok: false, reason: 'identified_device' };
  // The `claimed_at IS NULL` guard makes the claim itself the lock: a second concurrent UPDATE waits
  // for the first to commit, re-checks the guard on the claimed row and matches nothing.
  const marked = await tx.query(
    'UPDATE handoffs SET claimed_at = $1, claimed_by = $2 WHERE token_hash = $3 AND claimed_at IS NULL',
    [now, deviceId, tokenHash],
  );
  if (marked.rowCount === 0) return { ok: false, reason: 'used' };
  await tx.query('UPDATE devices SET profile_id = $1 WHERE id = $2', [row.profile_id, deviceId]);
  return { ok: true, profileId: row.profile_id, previousProfileId: previous.profile_id };
}

async function useCode(
  tx: pg.PoolClient,
  siteId: string,
  codeHash: string,
  usedBy: string,
  now: number,
): Promise<StoreCodeUse> {
  const row = (await tx.query<HandoffRow>(`${SELECT} FOR UPDATE`, [siteId, codeHash, 'store'])).rows[0];
  if (!row) return 'not_found';
  if (row.claimed_at !== null) return 'used';
  if (int(row.expires_at) <= now) return 'expired';
  await tx.query('UPDATE handoffs SET claimed_at = $1, claimed_by = $2 WHERE token_hash = $3', [
    now,
    usedBy,
    codeHash,
  ]);
  return 'ok';
}
