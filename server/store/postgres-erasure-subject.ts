import type { ErasureSubject } from './erasure-types.ts';
import type { Db } from './postgres-db.ts';

interface DeviceRow {
  id: string;
  site_id: string;
  profile_id: string;
  anonymous_id: string;
  first_profile_id: string | null;
  user_id: string | null;
}

const DEVICES = `
  SELECT d.id, d.site_id, d.profile_id, d.anonymous_id, d.first_profile_id, p.user_id
    FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id`;

const unique = (ids: string[]) => [...new Set(ids)];

/**
 * Who an erasure of `userId` is about, on PostgreSQL (the rules of sqlite-erasure-subject.ts). In a
 * transaction, `lock` takes the account's row and its devices' rows first, so a device of the user
 * being revoked or moved meanwhile waits for the erasure rather than slipping past it.
 */
export async function postgresUserSubject(
  db: Db,
  siteId: string,
  userId: string,
  lock = false,
): Promise<ErasureSubject> {
  const forUpdate = lock ? 'FOR UPDATE' : '';
  const account = (
    await db.query<{ id: string }>(
      `SELECT id FROM profiles WHERE site_id = $1 AND user_id = $2 ${forUpdate}`,
      [siteId, userId],
    )
  ).rows[0]?.id;
  const own = account
    ? (
        await db.query<DeviceRow>(`${DEVICES} WHERE d.profile_id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`, [
          account,
        ])
      ).rows
    : [];
  const seen = await db.query<{ anonymous_id: string }>(
    'SELECT DISTINCT anonymous_id FROM events WHERE site_id = $1 AND user_id = $2 AND anonymous_id IS NOT NULL',
    [siteId, userId],
  );
  const anonymousIds = unique([...own.map((d) => d.anonymous_id), ...seen.rows.map((r) => r.anonymous_id)]);
  const firstProfiles = own.flatMap((d) => (d.first_profile_id ? [d.first_profile_id] : []));
  const guests = await db.query<{ id: string }>(
    `SELECT id FROM profiles WHERE site_id = $1 AND user_id IS NULL AND (
       id = ANY($2::text[])
       OR id IN (SELECT profile_id FROM handoffs WHERE created_by = ANY($3::text[]))
       OR id IN (SELECT profile_id FROM devices WHERE site_id = $1 AND anonymous_id = ANY($4::text[])))`,
    [siteId, firstProfiles, own.map((d) => d.id), anonymousIds],
  );
  const guestIds = guests.rows.map((row) => row.id);
  const guestDevices = (
    await db.query<DeviceRow>(`${DEVICES} WHERE d.profile_id = ANY($1::text[])`, [guestIds])
  ).rows;
  return {
    siteId,
    userId,
    anonymousIds: unique([...anonymousIds, ...guestDevices.map((d) => d.anonymous_id)]),
    onlyAnonymousEvents: false,
    profileIds: [...(account ? [account] : []), ...guestIds],
    deviceIds: unique([...own, ...guestDevices].map((d) => d.id)),
  };
}

/** What one device may forget (see ErasureStore.forgetDevice); undefined when it is gone. */
export async function postgresDeviceSubject(db: Db, deviceId: string): Promise<ErasureSubject | undefined> {
  const row = (await db.query<DeviceRow>(`${DEVICES} WHERE d.id = $1 FOR UPDATE OF d`, [deviceId])).rows[0];
  if (!row) return undefined;
  const base = { siteId: row.site_id, userId: null, onlyAnonymousEvents: true };
  if (row.user_id !== null) {
    return { ...base, anonymousIds: [row.anonymous_id], profileIds: [], deviceIds: [row.id] };
  }
  const members = (
    await db.query<DeviceRow>(`${DEVICES} WHERE d.profile_id = $1 FOR UPDATE OF d`, [row.profile_id])
  ).rows;
  return {
    ...base,
    anonymousIds: unique(members.map((d) => d.anonymous_id)),
    profileIds: [row.profile_id],
    deviceIds: members.map((d) => d.id),
  };
}
