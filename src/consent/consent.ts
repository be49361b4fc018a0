import type { Guard } from '../client/guard.ts';
import { attempt } from '../core/env.ts';
import type { Destination } from '../destinations/destination.ts';
import type { CategoryPreferences, Consent } from '../types.ts';
import { withConsent } from '../version.ts';

/** The categories every site has besides `necessary`; destinations and the page may add more. */
export const CATEGORIES = ['analytics', 'marketing', 'personalization'];

/** The categories a destination needs before it receives events: by default, `analytics`. */
export const needsOf = (destination: Destination): string[] => destination.categories ?? ['analytics'];

/**
 * The customer's choice, per category, from the config on: `pending` until the page makes one
 * (`granted` config: all at once). A category never chosen counts as refused (opt-in), `necessary`
 * is always granted. Under Global Privacy Control `marketing` is refused unless the page sets it
 * itself (`set({ marketing: true })`, after asking): `grant()` and the config leave it off.
 * `changed` hears every choice made through the face, after it took effect.
 */
export function createConsent(
  initial: 'granted' | 'pending' | CategoryPreferences,
  destinations: Destination[],
  guard: Guard,
  changed: () => void,
): Consent {
  const privacyControl =
    withConsent &&
    attempt(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl) === true;
  const known = withConsent ? [...CATEGORIES, ...destinations.flatMap(needsOf)] : [];
  let state: Consent['state'] = 'pending';
  /** The categories chosen so far (changed in place: `get()` hands out copies). */
  const preferences: CategoryPreferences = { necessary: true };
  const every = (granted: boolean) => Object.fromEntries(known.map((category) => [category, granted]));
  const all = () => ({ ...every(true), ...(privacyControl && { marketing: false }) });

  /** Applies `choice` (without categories, only whether it `granted` all or none). */
  const choose = (choice: () => CategoryPreferences, granted: boolean) => {
    if (!withConsent) {
      state = granted ? 'granted' : 'denied';
      return;
    }
    const chosen = choice();
    for (const category in chosen) preferences[category] = chosen[category] === true;
    preferences.necessary = true;
    state = Object.values(preferences).filter(Boolean)[1] ? 'granted' : 'denied';
  };
  const made = (choice: () => CategoryPreferences, granted = false) =>
    guard(() => {
      choose(choice, granted);
      changed();
    });

  if (initial === 'granted') choose(all, true);
  else if (withConsent && typeof initial === 'object') choose(() => initial, false);
  return {
    grant: made(all, true),
    deny: made(() => every(false)),
    // Categories: what the consent glue adds (bench/size.mjs measures the client without it).
    ...(withConsent && {
      set: (choice: CategoryPreferences) => {
        if (choice && typeof choice === 'object') made(() => choice)();
      },
      get: () => ({ ...every(false), ...preferences }),
    }),
    get state() {
      return state;
    },
  } as Consent;
}
