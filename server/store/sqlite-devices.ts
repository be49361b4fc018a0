import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type DeviceRow, toDevice } from './rows.ts';
import type { DeviceStore, LinkResult } from './sync-types.ts';

/**
 * Tables of profiles and devices. A profile's user_id is set at creation or never: an anonymous
 * profile never becomes a user's, so devices that share it through a handoff cannot reach a verified
 * user's state. SQLite's UNIQUE lets many anonymous (NULL) profiles coexist.
 */
export const DEVICES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS profiles (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    user_id    TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (site_id, user_id)
  );
  CREATE TABLE IF NOT EXISTS devices (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL,
    profile_id   TEXT NOT NULL,
    anonymous_id TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
  );
  CREATE INDEX IF NOT EXISTS devices_by_profile ON devices (profile_id);
`;

/** Devices and profiles on an open SQLite database. */
export function sqliteDeviceStore(db: Database.Database): DeviceStore {
  const insertProfile = db.prepare<[string, string, string | null, string]>(
    'INSERT INTO profiles (id, site_id, user_id, created_at) VALUES (?, ?, ?, ?)',
  );
  // first_profile_id: the guest profile an erasure of the device's user must find (erasure-schema.ts).
  const insertDevice = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT INTO devices (id, site_id, profile_id, anonymous_id, token_hash, created_at, first_profile_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectActive = db.prepare<[string], DeviceRow>(
    `SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, p.user_id
       FROM devices d JOIN profiles p ON p.id = d.profile_id
      WHERE d.token_hash = ? AND d.revoked_at IS NULL`,
  );
  const selectDevice = db.prepare<[string], DeviceRow>(
    `SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, p.user_id
       FROM devices d JOIN profiles p ON p.id = d.profile_id WHERE d.id = ?`,
  );
  const revoke = db.prepare<[string, string]>(
    'UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const selectUserProfile = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM profiles WHERE site_id = ? AND user_id = ?',
  );
  const moveDevice = db.prepare<[string, string]>('UPDATE devices SET profile_id = ? WHERE id = ?');

  const create = db.transaction((siteId: string, anonymousId: string, tokenHash: string) => {
    const now = new Date().toISOString();
    const profileId = randomUUID();
    const deviceId = randomUUID();
    insertProfile.run(profileId, siteId, null, now);
    insertDevice.run(deviceId, siteId, profileId, anonymousId, tokenHash, now, profileId);
    return { deviceId, profileId };
  });

  const userProfile = db.transaction((siteId: string, userId: string): string => {
    const existing = selectUserProfile.get(siteId, userId)?.id;
    if (existing) return existing;
    const profileId = randomUUID();
    insertProfile.run(profileId, siteId, userId, new Date().toISOString());
    return profileId;
  });

  const link = db.transaction((deviceId: string, userId: string): LinkResult => {
    const device = selectDevice.get(deviceId);
    if (!device) throw new Error(`linkDeviceToUser: no device ${deviceId}`);
    const profileId = userProfile(device.site_id, userId);
    if (profileId === device.profile_id) {
      return { profileId, previousProfileId: profileId, wasAnonymous: false };
    }
    moveDevice.run(profileId, deviceId);
    return { profileId, previousProfileId: device.profile_id, wasAnonymous: device.user_id === null };
  });

  return {
    async createDevice(siteId, anonymousId, tokenHash) {
      return create(siteId, anonymousId, tokenHash);
    },

    async deviceByTokenHash(tokenHash) {
      const row = selectActive.get(tokenHash);
      return row ? toDevice(row) : null;
    },

    async revokeDevice(deviceId) {
      revoke.run(new Date().toISOString(), deviceId);
    },

    async linkDeviceToUser(deviceId, userId) {
      // IMMEDIATE: take the write lock before reading, so a second process cannot create the same
      // user's profile in between (and SQLite honours busy_timeout instead of failing the upgrade).
      return link.immediate(deviceId, userId);
    },

    async userProfile(siteId, userId) {
      return userProfile.immediate(siteId, userId);
    },
  };
}
