/**
 * The IAB TCF v2.2 bridge (a chunk, loaded with `tcf: true`): the choice the customer made in the
 * page's TCF consent management platform (CMP) becomes the client's consent by category. The
 * mapping is docs/privacy.md's, "Bridges".
 */
import { inBrowser } from '../core/env.ts';
import type { Bridge } from './bridge.ts';
import type { CategoryPreferences } from './types.ts';

/** The part of TCF's `TCData` the bridge reads. */
interface TcData {
  eventStatus?: 'tcloaded' | 'cmpuishown' | 'useractioncomplete';
  gdprApplies?: boolean;
  purpose?: { consents?: Record<string, boolean> };
}

/** The CMP's API, as TCF v2.2 defines it (only the command the bridge sends). */
type TcfApi = (
  command: 'addEventListener',
  version: 2,
  callback: (tcData: TcData, success: boolean) => void,
) => void;

/**
 * The TCF purposes each category needs, every one consented. Purpose 1 (store or access information
 * on a device) is in each, as Omnikit stores on the device for every category.
 */
const PURPOSES: Record<string, number[]> = {
  analytics: [1, 8, 9, 10],
  marketing: [1, 2, 3, 4, 7],
  personalization: [1, 5, 6],
};

/** The categories the purposes consented to grant (`consents` as `TCData.purpose.consents`). */
const categoriesOf = (consents: Record<string, boolean> = {}): CategoryPreferences =>
  Object.fromEntries(
    Object.entries(PURPOSES).map(([category, purposes]) => [
      category,
      purposes.every((purpose) => consents[purpose] === true),
    ]),
  );

/**
 * Listens to the CMP: the choice it loaded, then each one the customer completes, sets the
 * categories. While its banner shows, on a failure, or where the GDPR does not apply, nothing changes.
 */
export const bridge: Bridge = (client, report) => {
  if (!inBrowser()) return;
  const tcfapi = (window as { __tcfapi?: TcfApi }).__tcfapi;
  if (typeof tcfapi !== 'function') {
    report('invalid_config', 'tcf: no __tcfapi on the page (load the CMP first); consent is left as it is');
    return;
  }
  tcfapi('addEventListener', 2, (tcData, success) => {
    const chosen = tcData?.eventStatus === 'tcloaded' || tcData?.eventStatus === 'useractioncomplete';
    if (success && chosen && tcData.gdprApplies !== false)
      client.consent.set(categoriesOf(tcData.purpose?.consents));
  });
};
