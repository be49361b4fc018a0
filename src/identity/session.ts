import { local } from '../storage/local.ts';

interface Session {
  id: number;
  last: number;
}
const KEY = 'omnikit:session';
/** Storage is read and written at most this often; other tabs see activity to the second. */
const SHARE_EVERY = 1000;

/**
 * A session is a run of activity without an idle gap longer than `timeout`; its id is its start time
 * in ms. Kept in localStorage so the tabs of one browser share it; in memory until storage is allowed.
 */
export function createSession(timeout: number, stored: () => boolean) {
  let memory: Session | undefined;
  let shared = 0;
  return {
    /** Marks activity at `now` and returns the current session id, starting a new one when idle too long. */
    _touch(now: number): number {
      // A burst of events costs one localStorage write (a synchronous call), not one each.
      const share = stored() && now - shared >= SHARE_EVERY;
      const current = (share && local.get<Session>(KEY)) || memory;
      memory = { id: current && now - current.last < timeout ? current.id : now, last: now };
      if (share) {
        local.set(KEY, memory);
        shared = now;
      }
      return memory.id;
    },
    _reset(): void {
      memory = undefined;
      shared = 0;
      if (stored()) local.remove(KEY);
    },
  };
}
