import type { OmnikitTracker } from '../types.ts';
import type { Guard } from './guard.ts';

type ConsentState = OmnikitTracker['consent']['state'];

/**
 * The public `consent` face, its state from the config on (the parts that store read `state`).
 * `onGrant` and `onDeny` are what the client does when the page changes it.
 */
export function createConsent(
  initial: ConsentState,
  guard: Guard,
  onGrant: () => void,
  onDeny: () => void,
): OmnikitTracker['consent'] {
  let state = initial;
  return {
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
  };
}
