import type Database from 'better-sqlite3';
import type { SweepResult, SweepStep } from './housekeeping-types.ts';

/**
 * The site's anonymous profiles of the window (after, last] with no activity since the cutoff
 * (retention-types.ts says what counts). `@iso` and `@ms` are the cutoff as each column keeps time.
 * A unary `+` keeps a column's index out of SQLite's choice, and CROSS JOIN keeps the join's order:
 * the window is found by the primary key (by (site_id, user_id) it would be every anonymous profile
 * of the site), and a profile's events through its devices' anonymousIds (by received time it would
 * be every recent event of the site, once per profile).
 */
export const INACTIVE_ANONYMOUS_PROFILES = `
  SELECT p.id FROM profiles p
   WHERE p.id > @after AND p.id <= @last AND +p.site_id = @site AND +p.user_id IS NULL AND p.created_at < @iso
     AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.profile_id = p.id AND d.created_at >= @iso)
     AND NOT EXISTS (SELECT 1 FROM records r
                      WHERE r.site_id = p.site_id AND r.profile_id = p.id AND r.received_at >= @ms)
     AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.site_id = p.site_id AND h.profile_id = p.id
                        AND (h.created_at >= @ms OR h.claimed_at >= @ms))
     AND NOT EXISTS (SELECT 1 FROM devices d CROSS JOIN events e
                       ON e.site_id = p.site_id AND e.anonymous_id = d.anonymous_id
                      WHERE d.profile_id = p.id AND +e.received_at >= @iso)
   ORDER BY p.id`;

interface Window {
  n: number;
  last: string | null;
}

/** One window of profiles: the site's inactive anonymous ones go, at most `step.limit` records with them. */
export function sqliteAnonymousRetention(db: Database.Database) {
  const windowOf = db.prepare<[string, number], Window>(
    'SELECT COUNT(*) AS n, MAX(id) AS last FROM (SELECT id FROM profiles WHERE id > ? ORDER BY id LIMIT ?)',
  );
  const inactive = db.prepare<[Record<string, unknown>], { id: string }>(INACTIVE_ANONYMOUS_PROFILES);
  const deleteHandoffs = db.prepare<[string, string]>(
    'DELETE FROM handoffs WHERE site_id = ? AND profile_id = ?',
  );
  const deleteDevices = db.prepare<[string]>('DELETE FROM devices WHERE profile_id = ?');
  const deleteRecords = db.prepare<[string, string, number]>(
    'DELETE FROM records WHERE rowid IN (SELECT rowid FROM records WHERE site_id = ? AND profile_id = ? LIMIT ?)',
  );
  const hasRecords = db.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one FROM records WHERE site_id = ? AND profile_id = ? LIMIT 1',
  );
  const deleteWatermark = db.prepare<[string, string]>(
    'DELETE FROM compactions WHERE site_id = ? AND profile_id = ?',
  );
  const deleteProfile = db.prepare<[string]>('DELETE FROM profiles WHERE id = ?');

  return db.transaction((siteId: string, inactiveSince: Date, step: SweepStep): SweepResult => {
    const { n: count, last } = windowOf.get(step.after, step.limit) ?? { n: 0, last: null };
    if (count === 0 || last === null) return { removed: 0, next: null };
    const cutoff = {
      after: step.after,
      last,
      site: siteId,
      iso: inactiveSince.toISOString(),
      ms: inactiveSince.getTime(),
    };
    let budget = step.limit;
    let removed = 0;
    for (const { id } of inactive.all(cutoff)) {
      // Devices first: once their tokens are gone, nobody reads a profile left half deleted.
      deleteHandoffs.run(siteId, id);
      deleteDevices.run(id);
      budget -= deleteRecords.run(siteId, id, budget).changes;
      // Out of budget: the next call looks at this window again and goes on where this one stopped.
      if (hasRecords.get(siteId, id)) return { removed, next: step.after };
      deleteWatermark.run(siteId, id);
      deleteProfile.run(id);
      removed += 1;
    }
    return { removed, next: count < step.limit ? null : last };
  });
}
