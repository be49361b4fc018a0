import type { Destination } from '../destinations/destination.ts';
import type { Consent } from '../types.ts';
import { withConsent } from '../version.ts';
import { needsOf } from './consent.ts';

/**
 * What the customer's consent lets the client do, as of the last choice (`_update()` after each): a
 * destination receives events only when all its categories are granted, and the tracker stores
 * anything only while some destination does. Without categories (a build measuring their size),
 * granted consent allows everything.
 */
export function createGate(consent: Consent, destinations: Destination[]) {
  const allowed = (destination: Destination) =>
    needsOf(destination).every((category) => consent.get()[category]);
  let storing = withConsent && destinations.some(allowed);
  return withConsent
    ? {
        /** Whether `destination` receives events now. */
        _allowed: allowed,
        /** Whether the tracker may store and send anything now. */
        _stored: () => storing,
        /** Whether click ids and campaign touches may be kept and sent. */
        _marketing: () => consent.get().marketing,
        /** Takes a new choice in; returns whether storage was in use before it. */
        _update(): boolean {
          const was = storing;
          storing = destinations.some(allowed);
          return was;
        },
      }
    : {
        _allowed: () => true,
        _stored: () => consent.state === 'granted',
        _marketing: () => true,
        _update: () => false,
      };
}

export type Gate = ReturnType<typeof createGate>;
