import type { OmnikitTracker } from '../types.ts';
import type { Guard } from './guard.ts';

type ConsentState = OmnikitTracker['consent']['state'];

/**
 * The consent seam: its state from the config on, `granted()` for the parts that store, and the
 * public `consent` face. `onGrant` and `onDeny` are what the client does when the page changes it.
 */
export function createConsent(initial: ConsentState) {
  let state = initial;
  return {
    _granted: () => state === 'granted',
    _face: (guard: Guard, onGrant: () => void, onDeny: () => void): OmnikitTracker['consent'] => ({
      grant: guard(() => {
        if (state === 'granted') return;
        state = 'granted';
        onGrant();
      }),
      deny: guard(() => {
        state = 'denied';
        onDeny();
      }),
      get state() {
        return state;
      },
    }),
  };
}
