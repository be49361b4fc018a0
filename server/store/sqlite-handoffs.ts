import type Database from 'better-sqlite3';
import type { ClaimResult, HandoffKind, HandoffStore, StoreCodeUse } from './sync-types.ts';

/**
 * Table of handoffs; the token itself is never stored, only its SHA-256 (an in-store code's: its HMAC,
 * see server/store-codes). Times in epoch ms. `kind` is added by a migration (sqlite-migrations.ts).
 */
export const HANDOFFS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS handoffs (
    token_hash TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    claimed_at INTEGER,
    claimed_by TEXT
  );
`;

interface HandoffRow {
  kind: HandoffKind;
  site_id: string;
  profile_id: string;
  created_by: string;
  expires_at: number;
  claimed_at: number | null;
}

/** Handoffs on an open SQLite database. */
export function sqliteHandoffStore(db: Database.Database): HandoffStore {
  const insert = db.prepare<[string, string, string, string, number, number, HandoffKind]>(
    `INSERT INTO handoffs (token_hash, site_id, profile_id, created_by, created_at, expires_at, kind)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  // The kind is part of every lookup: an in-store code is never a link that moves a device.
  const select = db.prepare<[string, string, HandoffKind], HandoffRow>(
    `SELECT kind, site_id, profile_id, created_by, expires_at, claimed_at FROM handoffs
      WHERE site_id = ? AND token_hash = ? AND kind = ?`,
  );
  // The `claimed_at IS NULL` guard makes the claim itself the lock: only one UPDATE can match.
  const markClaimed = db.prepare<[number, string, string]>(
    'UPDATE handoffs SET claimed_at = ?, claimed_by = ? WHERE token_hash = ? AND claimed_at IS NULL',
  );
  const selectDeviceProfile = db.prepare<[string], { profile_id: string; user_id: string | null }>(
    'SELECT d.profile_id, p.user_id FROM devices d JOIN profiles p ON p.id = d.profile_id WHERE d.id = ?',
  );
  const end = db.prepare<[number, string, string, number]>(
    `UPDATE handoffs SET expires_at = ?
      WHERE site_id = ? AND profile_id = ? AND claimed_at IS NULL AND expires_at > ?`,
  );
  const moveDevice = db.prepare<[string, string]>('UPDATE devices SET profile_id = ? WHERE id = ?');
  const use = db.transaction(
    (siteId: string, codeHash: string, usedBy: string, now: number): StoreCodeUse => {
      const row = select.get(siteId, codeHash, 'store');
      if (!row) return 'not_found';
      if (row.claimed_at !== null) return 'used';
      if (row.expires_at <= now) return 'expired';
      markClaimed.run(now, usedBy, codeHash);
      return 'ok';
    },
  );

  const claim = db.transaction(
    (siteId: string, tokenHash: string, deviceId: string, now: number): ClaimResult => {
      const row = select.get(siteId, tokenHash, 'handoff');
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.claimed_at !== null) return { ok: false, reason: 'used' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      const previous = selectDeviceProfile.get(deviceId);
      if (!previous) throw new Error(`claimHandoff: no device ${deviceId}`);
      // Read in the claim's transaction: a device signed in since the request began is not moved.
      if (previous.user_id !== null) return { ok: false, reason: 'identified_device' };
      if (markClaimed.run(now, deviceId, tokenHash).changes === 0) return { ok: false, reason: 'used' };
      moveDevice.run(row.profile_id, deviceId);
      return { ok: true, profileId: row.profile_id, previousProfileId: previous.profile_id };
    },
  );

  return {
    async createHandoff(handoff) {
      insert.run(
        handoff.tokenHash,
        handoff.siteId,
        handoff.profileId,
        handoff.createdBy,
        Date.now(),
        handoff.expiresAt.getTime(),
        handoff.kind ?? 'handoff',
      );
    },

    async findHandoff(siteId, tokenHash, kind = 'handoff') {
      const row = select.get(siteId, tokenHash, kind);
      if (!row) return null;
      return {
        kind: row.kind,
        siteId: row.site_id,
        profileId: row.profile_id,
        createdBy: row.created_by,
        expiresAt: new Date(row.expires_at),
        claimedAt: row.claimed_at === null ? null : new Date(row.claimed_at),
      };
    },

    async claimHandoff(siteId, tokenHash, deviceId, now) {
      return claim.immediate(siteId, tokenHash, deviceId, now.getTime());
    },

    async useStoreCode(siteId, codeHash, usedBy, now) {
      return use.immediate(siteId, codeHash, usedBy, now.getTime());
    },

    async endHandoffs(siteId, profileId, now) {
      return end.run(now.getTime(), siteId, profileId, now.getTime()).changes;
    },
  };
}
