import type { CategoryPreferences, Consent, ConsentClient } from '../consent/types.ts';
import { type ConsentValue as Chosen, CONSENT_DOC } from '../protocol/consent.ts';
import type { JsonValue } from '../protocol/events.ts';
import type { Sync } from '../sync/index.ts';

/**
 * How this device records a change the customer made here: its channel, and the version of the
 * privacy policy the page showed (`privacyPolicy` in the config), when it names one.
 */
export type Recorded = Pick<Chosen, 'channel' | 'policy'>;

/**
 * Consent that follows a verified customer across their devices, in their profile's `consent`
 * document. At sign-in the account's choice applies here (the page hears `consent`, so its banner
 * need not ask again), and what this device chose for the categories the account has no choice for
 * yet goes to the account. From then on every change made here goes to the account, and every change
 * made on another device applies here as soon as the stream brings it: a withdrawal there stops
 * collection here. A choice still pending is never written. Only changes are written, so a page that
 * applies its banner's stored choice at each load writes nothing new.
 */
export async function followConsent(sync: Sync, client: ConsentClient, recorded: Recorded): Promise<void> {
  const { consent } = client;
  const doc = sync.doc(CONSENT_DOC);
  const write = () => {
    if (consent.state === 'pending') return;
    for (const [category, granted] of Object.entries(consent.get())) {
      if (category !== 'necessary' && (doc.get(category) as Chosen | undefined)?.granted !== granted) {
        doc.set(category, { granted, ...recorded } satisfies Chosen);
      }
    }
  };
  await sync.sync(); // the account's choice, if it has one
  apply(doc.entries(), consent);
  write();
  doc.subscribe((_keys, source) => {
    if (source === 'remote') apply(doc.entries(), consent);
  });
  client.on('consent', write);
}

/** Takes the account's choice in, for the categories it has one for. */
function apply(records: [string, JsonValue][], consent: Consent): void {
  const chosen: CategoryPreferences = {};
  for (const [category, value] of records) {
    const granted = (value as Partial<Chosen> | null)?.granted;
    if (typeof granted === 'boolean') chosen[category] = granted;
  }
  if (Object.keys(chosen).length) consent.set(chosen);
}
