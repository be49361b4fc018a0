import { attempt, inBrowser } from '../core/env.ts';
import type { Guard } from '../core/guard.ts';
import type { Destination } from '../destinations/destination.ts';
import { withConsent } from '../version.ts';
import type { CategoryPreferences, Consent } from './types.ts';

/** The categories every site has besides `necessary`; destinations and the page may add more. */
export const CATEGORIES = ['analytics', 'marketing', 'personalization'];

/** The categories a destination needs before it receives events: by default, `analytics`. */
export const needsOf = (destination: Destination): string[] => destination.categories ?? ['analytics'];

/**
 * What consent lets the client do now: a destination receives events only when all its categories
 * are granted, and the tracker stores anything only while some destination does.
 */
export interface Gate {
  /** Whether `destination` receives events now. */
  _allowed(destination: Destination): boolean;
  /** Whether the tracker may store and send anything now. */
  _stored(): boolean;
}

/**
 * The customer's choice, per category, from the config on: `pending` until the page makes one
 * (`granted` config: all at once). A category never chosen counts as refused (opt-in), `necessary`
 * is always granted. Under Global Privacy Control `marketing` is refused unless the page sets it
 * itself (`set({ marketing: true })`, after asking): `grant()` and the config leave it off.
 * A choice made here reaches the site's other open tabs, which take it as theirs (`writeKey` names
 * the channel). Returns the public face and the gate; `changed` hears every choice, made through the
 * face or in another tab, after it took effect, with whether the tracker was storing before it and
 * the categories in effect before it.
 */
export function createConsent(
  initial: 'granted' | 'pending' | CategoryPreferences,
  destinations: Destination[],
  writeKey: string,
  guard: Guard,
  changed: (wasStored: boolean, before: CategoryPreferences) => void,
): [Consent, Gate] {
  if (!withConsent) return allOrNothing(initial, guard, changed);
  const known = [...CATEGORIES, ...destinations.flatMap(needsOf)];
  let state: Consent['state'] = 'pending';
  const every = (granted: boolean) => Object.fromEntries(known.map((category) => [category, granted]));
  const all = {
    ...every(true),
    // Global Privacy Control refuses `marketing` unless the page sets it.
    marketing: !(globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)
      ?.globalPrivacyControl,
  };
  /** The categories in effect: none but `necessary` until a choice (changed in place: `get()` copies). */
  const preferences: CategoryPreferences = { ...every(false), necessary: true };
  const allowed = (destination: Destination) =>
    needsOf(destination).every((category) => preferences[category]);
  const storing = () => destinations.some(allowed);

  const choose = (choice: CategoryPreferences) => {
    for (const category in choice) preferences[category] = choice[category] === true;
    preferences.necessary = true;
    state = known.some((category) => preferences[category]) ? 'granted' : 'denied';
  };
  // A withdrawal stops every open tab at once, not at its next load (no BroadcastChannel before
  // Safari 15.4: there, at the next load). A tab whose banner still asks hears the answer too.
  const tabs = inBrowser() ? attempt(() => new BroadcastChannel(`omnikit-consent:${writeKey}`)) : undefined;
  // A choice made through the face, or `heard` from another tab (not passed on: no echo); only an
  // object is a choice.
  const made = guard((choice: CategoryPreferences, heard?: true) => {
    if (typeof choice === 'object' && choice) {
      const was = storing();
      const before = { ...preferences };
      choose(choice);
      changed(was, before);
      if (!heard) tabs?.postMessage(choice);
    }
  });
  if (tabs) tabs.onmessage = ({ data }) => made(data, true);

  if (initial === 'granted') choose(all);
  else if (typeof initial === 'object') choose(initial);
  return [
    {
      grant: () => made(all),
      deny: () => made(every(false)),
      set: made,
      get: () => ({ ...preferences }),
      get state() {
        return state;
      },
    },
    { _allowed: allowed, _stored: storing },
  ];
}

/** Consent before categories (the build that measures their size): all or nothing. */
function allOrNothing(
  initial: unknown,
  guard: Guard,
  changed: (wasStored: boolean, before: CategoryPreferences) => void,
): [Consent, Gate] {
  let state: Consent['state'] = initial === 'granted' ? 'granted' : 'pending';
  const made = (granted: Consent['state']) =>
    guard(() => {
      state = granted;
      changed(false, {});
    });
  const face = {
    grant: made('granted'),
    deny: made('denied'),
    get state() {
      return state;
    },
  } as Consent;
  return [face, { _allowed: () => true, _stored: () => state === 'granted' }];
}
