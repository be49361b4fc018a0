import { load } from '../chunks/load.ts';
import type { Settings } from '../config.ts';
import type { ConsentClient } from '../consent/types.ts';
import type { Report } from '../core/report.ts';

/**
 * Loads the consent bridges the page turned on, each a chunk named as its option (src/consent/README.md).
 * An option is on unless absent or false, as a script tag's data attribute is read: a bare
 * `data-tcf` is on, `data-tcf="false"` off.
 */
export function startBridges(settings: Settings, client: ConsentClient, report: Report): void {
  for (const name of ['consentMode', 'tcf'] as const)
    if (`${settings[name] ?? false}` !== 'false')
      load(name)
        .then((chunk) => chunk.bridge(client, report))
        .catch((error) => report('internal', `${error}`, error));
}
