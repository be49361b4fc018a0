import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Db, transaction } from './postgres-db.ts';
import { type DeviceRow, toDevice } from './rows.ts';
import type { DeviceStore, LinkResult } from './sync-types.ts';

/**
 * Tables of profiles and devices, as in SQLite (see sqlite-devices.ts). PostgreSQL's UNIQUE also lets
 * many anonymous (NULL) profiles coexist.
 */
export const DEVICES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS profiles (
    id         TEXT COLLATE "C" PRIMARY KEY,
    site_id    TEXT NOT NULL,
    user_id    TEXT,
    created_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (site_id, user_id)
  );
  CREATE TABLE IF NOT EXISTS devices (
    id           TEXT COLLATE "C" PRIMARY KEY,
    site_id      TEXT NOT NULL,
    profile_id   TEXT NOT NULL,
    anonymous_id TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT COLLATE "C" NOT NULL,
    revoked_at   TEXT
  );
  CREATE INDEX IF NOT EXISTS devices_by_profile ON devices (profile_id);
`;

const SELECT_DEVICE = `
  SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, p.user_id
    FROM devices d JOIN profiles p ON p.id = d.profile_id`;

/** Devices and profiles on a PostgreSQL pool. */
export function postgresDeviceStore(pool: pg.Pool): DeviceStore {
  return {
    async createDevice(siteId, anonymousId, tokenHash) {
      const now = new Date().toISOString();
      const profileId = randomUUID();
      const deviceId = randomUUID();
      // One statement, so the profile never exists without its device. first_profile_id: the guest
      // profile an erasure of the device's user must find (erasure-schema.ts).
      await pool.query(
        `WITH profile AS (
           INSERT INTO profiles (id, site_id, user_id, created_at) VALUES ($1, $2, NULL, $5)
         )
         INSERT INTO devices (id, site_id, profile_id, anonymous_id, token_hash, created_at, first_profile_id)
         VALUES ($3, $2, $1, $4, $6, $5, $1)`,
        [profileId, siteId, deviceId, anonymousId, now, tokenHash],
      );
      return { deviceId, profileId };
    },

    async deviceByTokenHash(tokenHash) {
      const { rows } = await pool.query<DeviceRow>(
        `${SELECT_DEVICE} WHERE d.token_hash = $1 AND d.revoked_at IS NULL`,
        [tokenHash],
      );
      return rows[0] ? toDevice(rows[0]) : null;
    },

    async revokeDevice(deviceId) {
      await pool.query('UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
        new Date().toISOString(),
        deviceId,
      ]);
    },

    async linkDeviceToUser(deviceId, userId) {
      return transaction(pool, async (tx): Promise<LinkResult> => {
        // The device's row lock orders this against a concurrent link or handoff claim of the device.
        const { rows } = await tx.query<DeviceRow>(`${SELECT_DEVICE} WHERE d.id = $1 FOR UPDATE OF d`, [
          deviceId,
        ]);
        const device = rows[0];
        if (!device) throw new Error(`linkDeviceToUser: no device ${deviceId}`);
        const profileId = await userProfile(tx, device.site_id, userId);
        if (profileId === device.profile_id) {
          return { profileId, previousProfileId: profileId, wasAnonymous: false };
        }
        await tx.query('UPDATE devices SET profile_id = $1 WHERE id = $2', [profileId, deviceId]);
        return { profileId, previousProfileId: device.profile_id, wasAnonymous: device.user_id === null };
      });
    },

    async userProfile(siteId, userId) {
      return transaction(pool, (tx) => userProfile(tx, siteId, userId));
    },
  };
}

/**
 * The profile of a user, created by the first device. Two devices of a new user linking at once both
 * try the INSERT: the unique key makes the second wait for the first and then do nothing, and its next
 * statement (a new snapshot, in READ COMMITTED) sees the profile the first one made.
 */
async function userProfile(tx: Db, siteId: string, userId: string): Promise<string> {
  const select = () =>
    tx.query<{ id: string }>('SELECT id FROM profiles WHERE site_id = $1 AND user_id = $2', [siteId, userId]);
  const existing = (await select()).rows[0];
  if (existing) return existing.id;
  const created = await tx.query<{ id: string }>(
    `INSERT INTO profiles (id, site_id, user_id, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (site_id, user_id) DO NOTHING RETURNING id`,
    [randomUUID(), siteId, userId, new Date().toISOString()],
  );
  const id = created.rows[0]?.id ?? (await select()).rows[0]?.id;
  if (!id) throw new Error(`userProfile: no profile for user ${userId}`);
  return id;
}
