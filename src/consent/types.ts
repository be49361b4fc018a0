// The public types of consent by category (docs/privacy.md).

/**
 * Consent per category (Segment's `categoryPreferences`): `necessary`, `analytics`, `marketing`,
 * `personalization`, and any a destination declares or the page sets. Every event carries it.
 */
export type CategoryPreferences = Record<string, boolean>;

/**
 * What a part loaded later (a bridge, the sign-in, the drafts) needs of the client's consent: the
 * choice, and hearing each change to it.
 */
export interface ConsentClient {
  consent: Consent;
  on(type: 'consent', listener: (preferences: CategoryPreferences) => void): () => void;
}

/** The customer's consent, by category; see docs/privacy.md for what each category covers. */
export interface Consent {
  /** Grants every category (under Global Privacy Control, all but `marketing`). */
  grant(): void;
  /** Refuses every category but `necessary`: what waited is dropped, what was kept on the device removed. */
  deny(): void;
  /** Sets the categories given, e.g. `{ analytics: true, marketing: false }`; the others keep theirs. */
  set(choice: CategoryPreferences): void;
  /** The categories in effect now (`necessary` always true; a category never chosen is false). */
  get(): CategoryPreferences;
  /** `pending` until the first choice; then `granted` when any category but `necessary` is, else `denied`. */
  readonly state: 'pending' | 'granted' | 'denied';
}
