import type Database from 'better-sqlite3';
import { checked, type HousekeepingStore, type SweepResult, type SweepStep } from './housekeeping-types.ts';

interface Window {
  n: number;
  last: string | null;
}

/** Housekeeping deletes on an open SQLite database (the rules of housekeeping-types.ts). */
export function sqliteHousekeeping(db: Database.Database): HousekeepingStore {
  // Each window is a range of the table's primary key: (after, last].
  const windowOf = (table: string, key: string) =>
    db.prepare<[string, number], Window>(
      `SELECT COUNT(*) AS n, MAX(k) AS last FROM
         (SELECT ${key} AS k FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT ?)`,
    );
  const handoffWindow = windowOf('handoffs', 'token_hash');
  const deviceWindow = windowOf('devices', 'id');
  const profileWindow = windowOf('profiles', 'id');
  const deleteHandoffs = db.prepare<[string, string, number, number]>(
    `DELETE FROM handoffs WHERE token_hash > ? AND token_hash <= ? AND (expires_at < ? OR claimed_at < ?)`,
  );
  const deleteDevices = db.prepare<[string, string, string]>(
    `DELETE FROM devices WHERE id > ? AND id <= ? AND revoked_at IS NOT NULL AND revoked_at < ?`,
  );
  const deleteProfiles = db.prepare<[string, string, string], { id: string; site_id: string }>(
    `DELETE FROM profiles
      WHERE id > ? AND id <= ? AND user_id IS NULL AND created_at < ?
        AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.profile_id = profiles.id)
        AND NOT EXISTS (SELECT 1 FROM records r WHERE r.site_id = profiles.site_id AND r.profile_id = profiles.id)
        AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.site_id = profiles.site_id AND h.profile_id = profiles.id)
      RETURNING id, site_id`,
  );
  // A profile whose every record was a compacted tombstone still has a watermark: it goes too.
  const deleteWatermark = db.prepare<[string, string]>(
    'DELETE FROM compactions WHERE site_id = ? AND profile_id = ?',
  );

  /** Runs `remove` on the window after `step.after`; the caller runs it as one IMMEDIATE transaction. */
  const sweep = <T>(
    window: Database.Statement<[string, number], Window>,
    remove: (after: string, last: string, before: T) => number,
  ) =>
    db.transaction((step: SweepStep, before: T): SweepResult => {
      const { n: count, last } = window.get(step.after, step.limit) ?? { n: 0, last: null };
      if (count === 0 || last === null) return { removed: 0, next: null };
      return { removed: remove(step.after, last, before), next: count < step.limit ? null : last };
    });

  const handoffs = sweep(
    handoffWindow,
    (after, last, before: number) => deleteHandoffs.run(after, last, before, before).changes,
  );
  const devices = sweep(
    deviceWindow,
    (after, last, before: string) => deleteDevices.run(after, last, before).changes,
  );
  const profiles = sweep(profileWindow, (after, last, before: string) => {
    const gone = deleteProfiles.all(after, last, before);
    for (const profile of gone) deleteWatermark.run(profile.site_id, profile.id);
    return gone.length;
  });

  return {
    async removeEndedHandoffs(endedBefore, step) {
      return handoffs.immediate(checked(step), endedBefore.getTime());
    },

    async removeRevokedDevices(revokedBefore, step) {
      return devices.immediate(checked(step), revokedBefore.toISOString());
    },

    async removeEmptyAnonymousProfiles(createdBefore, step) {
      return profiles.immediate(checked(step), createdBefore.toISOString());
    },
  };
}
