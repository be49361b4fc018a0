/**
 * Storage port of the server's housekeeping (server/housekeeping.ts): deleting what nobody can use
 * any more. Each call looks at a bounded window of one table, in key order, so a run's work and the
 * time it holds a lock stay small however large the table grows; a sweep resumes where the last
 * window stopped.
 */

/** One window of a sweep: the rows whose key sorts after `after` ('' = from the start), at most `limit`. */
export interface SweepStep {
  after: string;
  limit: number;
}

/** What one window removed, and where the next one starts. */
export interface SweepResult {
  removed: number;
  /** The key to pass as the next `after`; null when the window reached the end of the table. */
  next: string | null;
}

/** Deletes handoffs, devices and profiles that nobody can use any more. */
export interface HousekeepingStore {
  /** Deletes the handoffs of the window that expired, or were claimed, before `endedBefore`. */
  removeEndedHandoffs(endedBefore: Date, step: SweepStep): Promise<SweepResult>;
  /** Deletes the devices of the window revoked before `revokedBefore` (their tokens are dead already). */
  removeRevokedDevices(revokedBefore: Date, step: SweepStep): Promise<SweepResult>;
  /**
   * Deletes the profiles of the window that are anonymous, created before `createdBefore`, and empty:
   * no device (active or revoked) is linked to them, they hold no record, and no handoff names them.
   * Nothing can reach such a profile: a device enters an existing anonymous profile only through a
   * handoff, and a record is written only to a device's profile or to a conversation it holds.
   */
  removeEmptyAnonymousProfiles(createdBefore: Date, step: SweepStep): Promise<SweepResult>;
}

/** The step, if its window holds at least one row: a limit of 0 would never move a sweep on. */
export function checked(step: SweepStep): SweepStep {
  if (!Number.isInteger(step.limit) || step.limit < 1) {
    throw new RangeError(`housekeeping: a sweep's limit must be an integer >= 1, got ${step.limit}`);
  }
  return step;
}
