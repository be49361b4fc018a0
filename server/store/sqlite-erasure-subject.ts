import type Database from 'better-sqlite3';
import type { ErasureSubject } from './erasure-types.ts';

interface DeviceRow {
  id: string;
  site_id: string;
  profile_id: string;
  anonymous_id: string;
  first_profile_id: string | null;
  user_id: string | null;
}

/** A list bound as one parameter: SQLite reads it back with json_each. */
export const list = (ids: Iterable<string>) => JSON.stringify([...new Set(ids)]);
export const IN_LIST = 'IN (SELECT value FROM json_each(?))';

/**
 * Finds who an erasure is about, on an open SQLite database (see ErasureStore for the rules): a
 * user's account, its devices, every anonymous id seen with the user, and the guest profiles found
 * through them; or what one device may forget.
 */
export function sqliteSubjects(db: Database.Database) {
  const account = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM profiles WHERE site_id = ? AND user_id = ?',
  );
  const devicesOf = db.prepare<[string], DeviceRow>(
    `SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, d.first_profile_id, p.user_id
       FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id WHERE d.profile_id ${IN_LIST}`,
  );
  const device = db.prepare<[string], DeviceRow>(
    `SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, d.first_profile_id, p.user_id
       FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id WHERE d.id = ?`,
  );
  const seenWithUser = db.prepare<[string, string], { anonymous_id: string }>(
    `SELECT DISTINCT anonymous_id FROM events WHERE site_id = ? AND user_id = ? AND anonymous_id IS NOT NULL`,
  );
  // The guest profiles: where the account's devices started, where they made handoff links before
  // signing in, and the anonymous profiles of any device with one of the user's anonymous ids.
  const guests = db.prepare<[string, string, string, string, string], { id: string }>(
    `SELECT id FROM profiles WHERE site_id = ? AND user_id IS NULL AND (
       id ${IN_LIST}
       OR id IN (SELECT profile_id FROM handoffs WHERE created_by ${IN_LIST})
       OR id IN (SELECT profile_id FROM devices WHERE site_id = ? AND anonymous_id ${IN_LIST}))`,
  );

  return {
    ofUser(siteId: string, userId: string): ErasureSubject {
      const accountId = account.get(siteId, userId)?.id;
      const own = accountId ? devicesOf.all(list([accountId])) : [];
      const anonymousIds = [
        ...own.map((d) => d.anonymous_id),
        ...seenWithUser.all(siteId, userId).map((row) => row.anonymous_id),
      ];
      const firstProfiles = own.flatMap((d) => (d.first_profile_id ? [d.first_profile_id] : []));
      const guestIds = guests
        .all(siteId, list(firstProfiles), list(own.map((d) => d.id)), siteId, list(anonymousIds))
        .map((row) => row.id);
      const guestDevices = devicesOf.all(list(guestIds));
      return {
        siteId,
        userId,
        anonymousIds: [...new Set([...anonymousIds, ...guestDevices.map((d) => d.anonymous_id)])],
        onlyAnonymousEvents: false,
        profileIds: [...(accountId ? [accountId] : []), ...guestIds],
        deviceIds: [...own, ...guestDevices].map((d) => d.id),
      };
    },

    /** What `deviceId` may forget; undefined when the device is gone. */
    ofDevice(deviceId: string): ErasureSubject | undefined {
      const row = device.get(deviceId);
      if (!row) return undefined;
      const siteId = row.site_id;
      if (row.user_id !== null) {
        return {
          siteId,
          userId: null,
          anonymousIds: [row.anonymous_id],
          onlyAnonymousEvents: true,
          profileIds: [],
          deviceIds: [row.id],
        };
      }
      const members = devicesOf.all(list([row.profile_id]));
      return {
        siteId,
        userId: null,
        anonymousIds: [...new Set(members.map((d) => d.anonymous_id))],
        onlyAnonymousEvents: true,
        profileIds: [row.profile_id],
        deviceIds: members.map((d) => d.id),
      };
    },
  };
}
