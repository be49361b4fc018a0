/**
 * The Google Consent Mode v2 bridge (a chunk, loaded with `consentMode: true`): mirrors the
 * customer's categories to gtag's four consent signals, so Google's tags on the page obey the same
 * choice. The mapping is docs/privacy.md's, "Bridges".
 */
import { inBrowser } from '../core/env.ts';
import type { Bridge } from './bridge.ts';
import type { CategoryPreferences } from './types.ts';

type Signal = 'granted' | 'denied';
type Signals = Record<'analytics_storage' | 'ad_storage' | 'ad_user_data' | 'ad_personalization', Signal>;

/** What the page's gtag snippet defines (read, never declared globally: the page may have gtag's own types). */
interface GtagPage {
  gtag?: (command: 'consent', action: 'update', signals: Signals) => void;
  dataLayer?: unknown[];
}

const signal = (granted: boolean | undefined): Signal => (granted ? 'granted' : 'denied');

/** Consent Mode's signals for the categories in effect. */
const signalsOf = (preferences: CategoryPreferences): Signals => ({
  analytics_storage: signal(preferences.analytics),
  ad_storage: signal(preferences.marketing),
  ad_user_data: signal(preferences.marketing),
  // Personalised ads are advertising built on a profile of the customer: only with both choices.
  ad_personalization: signal(preferences.marketing && preferences.personalization),
});

/**
 * Calls the page's gtag; without one, queues the command on `dataLayer` as gtag's own snippet does,
 * for gtag.js to run when it loads: an Arguments object, the one shape gtag.js runs as a command.
 */
function gtag(command: 'consent', action: 'update', signals: Signals): void {
  const page = window as GtagPage;
  if (typeof page.gtag === 'function') page.gtag(command, action, signals);
  else {
    page.dataLayer ??= [];
    // biome-ignore lint/complexity/noArguments: gtag.js runs only Arguments objects as commands.
    page.dataLayer.push(arguments);
  }
}

/** Sends the choice in effect now (none while it is pending), then every change to it. */
export const bridge: Bridge = (client) => {
  if (!inBrowser()) return;
  const update = (preferences: CategoryPreferences) => gtag('consent', 'update', signalsOf(preferences));
  if (client.consent.state !== 'pending') update(client.consent.get());
  client.on('consent', update);
};
