import type pg from 'pg';
import type { SweepResult, SweepStep } from './housekeeping-types.ts';
import { int } from './postgres-db.ts';
import { lockAllProfiles } from './postgres-documents.ts';

/**
 * The site's anonymous profiles of the window ($1, $2] with no activity since the cutoff (the rules
 * of retention-types.ts, the query of sqlite-anonymous-retention.ts): $3 the site, $4 and $5 the
 * cutoff as ISO text and as ms. profiles.id is COLLATE "C" and the profile_id of the other tables is
 * not: compared in theirs, so their indexes apply (see postgres-housekeeping.ts). Each test is a
 * scalar subquery, not NOT EXISTS: the planner turns NOT EXISTS into an anti join, and with the
 * time filters it guessed "1 row" and scanned all of devices and handoffs once per profile
 * (measured on 20,000 profiles); a scalar subquery stays one index probe per profile.
 */
const INACTIVE_ANONYMOUS_PROFILES = `
  SELECT p.id FROM profiles p
   WHERE p.id > $1 AND p.id <= $2 AND p.site_id = $3 AND p.user_id IS NULL AND p.created_at < $4
     AND (SELECT 1 FROM devices d WHERE d.profile_id = p.id COLLATE "default" AND d.created_at >= $4 LIMIT 1) IS NULL
     AND (SELECT 1 FROM records r WHERE r.site_id = p.site_id
             AND r.profile_id = p.id COLLATE "default" AND r.received_at >= $5 LIMIT 1) IS NULL
     AND (SELECT 1 FROM handoffs h WHERE h.site_id = p.site_id AND h.profile_id = p.id COLLATE "default"
             AND (h.created_at >= $5 OR h.claimed_at >= $5) LIMIT 1) IS NULL
     AND (SELECT 1 FROM devices d JOIN events e ON e.site_id = p.site_id AND e.anonymous_id = d.anonymous_id
           WHERE d.profile_id = p.id COLLATE "default" AND e.received_at >= $4 LIMIT 1) IS NULL
   ORDER BY p.id`;

/** One window of profiles, in the caller's transaction: the site's inactive anonymous ones go. */
export async function postgresAnonymousRetention(
  tx: pg.PoolClient,
  siteId: string,
  inactiveSince: Date,
  step: SweepStep,
): Promise<SweepResult> {
  const { rows: window } = await tx.query<{ n: string; last: string | null }>(
    'SELECT COUNT(*) AS n, MAX(id) AS last FROM (SELECT id FROM profiles WHERE id > $1 ORDER BY id LIMIT $2) w',
    [step.after, step.limit],
  );
  const count = int(window[0]?.n);
  const last = window[0]?.last ?? null;
  if (count === 0 || last === null) return { removed: 0, next: null };
  // Every writer of records waits meanwhile (see lockAllProfiles): a push in progress counts.
  await lockAllProfiles(tx);
  const { rows: inactive } = await tx.query<{ id: string }>(INACTIVE_ANONYMOUS_PROFILES, [
    step.after,
    last,
    siteId,
    inactiveSince.toISOString(),
    inactiveSince.getTime(),
  ]);
  let budget = step.limit;
  let removed = 0;
  for (const { id } of inactive) {
    // Devices first: once their tokens are gone, nobody reads a profile left half deleted.
    await tx.query('DELETE FROM handoffs WHERE site_id = $1 AND profile_id = $2', [siteId, id]);
    await tx.query('DELETE FROM devices WHERE profile_id = $1', [id]);
    const records = await tx.query(
      `DELETE FROM records WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM records WHERE site_id = $1 AND profile_id = $2 LIMIT $3))`,
      [siteId, id, budget],
    );
    budget -= records.rowCount ?? 0;
    const left = await tx.query('SELECT 1 FROM records WHERE site_id = $1 AND profile_id = $2 LIMIT 1', [
      siteId,
      id,
    ]);
    // Out of budget: the next call looks at this window again and goes on where this one stopped.
    if ((left.rowCount ?? 0) > 0) return { removed, next: step.after };
    await tx.query('DELETE FROM compactions WHERE site_id = $1 AND profile_id = $2', [siteId, id]);
    await tx.query('DELETE FROM profiles WHERE id = $1', [id]);
    removed += 1;
  }
  return { removed, next: count < step.limit ? null : last };
}
