import type { MergePolicy } from './cart/merge.ts';
import type { CategoryPreferences } from './consent/types.ts';
import { httpDestination } from './destinations/collector.ts';
import type { Destination } from './destinations/destination.ts';
import type { FormsConfig } from './forms/types.ts';
import type { PlanMode } from './plan/index.ts';
import type { TrackingPlan } from './plan/types.ts';
import type { OmnikitConfig } from './types.ts';
import type { WidgetConfig } from './widget/types.ts';

const NUMBERS = {
  flushAt: 20,
  flushInterval: 1000,
  maxOutbox: 10_000,
  retryBaseDelay: 1000,
  retryMaxDelay: 60_000,
  sessionTimeout: 30 * 60_000,
};

export type Settings = typeof NUMBERS & {
  writeKey: string;
  endpoint?: string;
  /** As given: continuity applies its default ('max') where it merges, so the tracker never carries it. */
  cartMerge?: MergePolicy;
  destinations: Destination[];
  channel: string;
  /** As given: the sign-in chunk records it with consent changes (src/account/sign-in.ts). */
  privacyPolicy?: string;
  autoPage: boolean;
  consent: 'granted' | 'pending' | CategoryPreferences;
  /** As given: a script tag's `data-consent-mode` is a string, and `"false"` is off (src/client/bridges.ts). */
  consentMode?: boolean | string;
  /** As given, like `consentMode` (`data-tcf`). */
  tcf?: boolean | string;
  cookieDomain?: string;
  debug: boolean;
  forms?: FormsConfig;
  /** As given: `true` or an object shows the widget (src/continuity.ts). */
  widget?: WidgetConfig | boolean;
  /** A plan, or its URL (the script tag's `data-plan`). */
  plan?: TrackingPlan | string;
  planMode?: PlanMode;
};

/** Fills in defaults and turns destination descriptions into destinations; lists what was wrong. */
export function settingsOf(config: OmnikitConfig): [settings: Settings, problems: string[]] {
  const problems: string[] = [];
  const options: Partial<OmnikitConfig> = typeof config === 'object' && config ? config : {};
  const writeKey = options.writeKey;
  if (typeof writeKey !== 'string' || !writeKey) problems.push('writeKey: not a non-empty string');
  // The endpoint's destination first: a given one of the same name is then the duplicate.
  const destinations: Destination[] = options.endpoint
    ? [httpDestination(options.endpoint, `${writeKey}`)]
    : [];
  for (const destination of Array.isArray(options.destinations) ? options.destinations : []) {
    const { name, send } = destination ?? {};
    if (typeof send === 'function' && name && !destinations.some((other) => other.name === name)) {
      destinations.push(destination);
    } else problems.push(`destination ${name}: needs a unique name and send()`);
  }
  if (!destinations.length) problems.push('no destination: set endpoint or destinations');
  // The rest of the config (endpoint, cookieDomain, forms, cartMerge, widget) is taken as given.
  const settings: Settings = {
    ...options,
    ...NUMBERS,
    writeKey: `${writeKey}`,
    destinations,
    channel: options.channel || 'web',
    autoPage: options.autoPage !== false,
    // As given (createConsent reads it): anything but `granted`, `pending` or an object waits.
    consent: options.consent ?? 'granted',
    debug: options.debug === true,
  };
  for (const key of Object.keys(NUMBERS) as (keyof typeof NUMBERS)[]) {
    // Numeric strings count too: script-tag data attributes are strings.
    const value = Number(options[key]);
    if (value > 0) settings[key] = value;
  }
  return [settings, problems];
}
