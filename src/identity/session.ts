import { local } from '../storage/local.ts';

interface Session {
  id: number;
  last: number;
}
const KEY = 'omnikit:session';

/**
 * A session is a run of activity without an idle gap longer than `timeout`; its id is its start time
 * in ms. Kept in localStorage so the tabs of one browser share it; in memory until storage is allowed.
 */
export function createSession(timeout: number, stored: () => boolean) {
  let memory: Session | undefined;
  return {
    /** Marks activity at `now` and returns the current session id, starting a new one when idle too long. */
    touch(now: number): number {
      const current = (stored() && local.get<Session>(KEY)) || memory;
      const session =
        current && now - current.last < timeout ? { id: current.id, last: now } : { id: now, last: now };
      memory = session;
      if (stored()) local.set(KEY, session);
      return session.id;
    },
    reset(): void {
      memory = undefined;
      if (stored()) local.remove(KEY);
    },
  };
}
