import { CLICK_IDS, isClickId } from '../src/protocol/click-ids.ts';

/**
 * Global Privacy Control (`Sec-GPC: 1`, which the browser sends with every request while its user
 * turned it on): an opt-out of sale and targeted advertising that California and Colorado require
 * honouring. The server treats it as the SDK does: an event that does not grant `marketing`
 * explicitly (a page that asked its customer may) is stored with it refused, in Segment's shape
 * (`context.consent.categoryPreferences.marketing: false`), so whatever reads or forwards the event
 * later honours the signal too. Returns the event to store, or undefined when it needs no change.
 */
export function refuseMarketing(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const { context, consent, preferences } = consentOf(event);
  if (preferences.marketing === true) return undefined;
  return {
    ...event,
    context: {
      ...context,
      consent: { ...consent, categoryPreferences: { ...preferences, marketing: false } },
    },
  };
}

/** A click id's value in a URL's query (its name stays, so the address still parses). */
const CLICK_ID_VALUE = new RegExp(`([?&](?:${CLICK_IDS.join('|')})=)[^&#]*`, 'g');
/** The fields of an event that hold the page's address: in `context.page`, and a page view's properties. */
const ADDRESSES = ['url', 'search', 'referrer'];

/**
 * The event as stored under its choice for `marketing`: under Global Privacy Control (`privacyControl`)
 * refused unless granted (`refuseMarketing`); and once refused, by the signal or by the event's own
 * choice, without the values of ad-platform click ids (in `context.campaign` and in the page's
 * address), as the SDK sends it. Any client's events get the same: Segment's and RudderStack's too.
 * Returns the event to store, or undefined when it needs no change.
 */
export function honourMarketing(
  event: Record<string, unknown>,
  privacyControl: boolean,
): Record<string, unknown> | undefined {
  const refused = privacyControl ? refuseMarketing(event) : undefined;
  const stored = refused ?? event;
  return consentOf(stored).preferences.marketing === false ? (withoutClickIds(stored) ?? refused) : refused;
}

/** An event's context, its consent and the categories in it, each `{}` when missing or not an object. */
function consentOf(event: Record<string, unknown>) {
  const context = isRecord(event.context) ? event.context : {};
  const consent = isRecord(context.consent) ? context.consent : {};
  const preferences = isRecord(consent.categoryPreferences) ? consent.categoryPreferences : {};
  return { context, consent, preferences };
}

/** `event` without click ids' values, or undefined when it holds none. */
function withoutClickIds(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const context = isRecord(event.context) ? event.context : {};
  const campaign = isRecord(context.campaign) ? withoutKeys(context.campaign) : undefined;
  const page = isRecord(context.page) ? withoutValues(context.page) : undefined;
  const properties = isRecord(event.properties) ? withoutValues(event.properties) : undefined;
  if (!campaign && !page && !properties) return undefined;
  return {
    ...event,
    ...(properties && { properties }),
    context: { ...context, ...(campaign && { campaign }), ...(page && { page }) },
  };
}

/** `campaign` without its click-id fields, or undefined when it has none. */
function withoutKeys(campaign: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!Object.keys(campaign).some(isClickId)) return undefined;
  return Object.fromEntries(Object.entries(campaign).filter(([name]) => !isClickId(name)));
}

/** `fields` with click ids' values taken out of its addresses, or undefined when they hold none. */
function withoutValues(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  let changed: Record<string, unknown> | undefined;
  for (const name of ADDRESSES) {
    const address = fields[name];
    if (typeof address !== 'string') continue;
    const cleaned = address.replace(CLICK_ID_VALUE, '$1');
    if (cleaned !== address) changed = { ...(changed ?? fields), [name]: cleaned };
  }
  return changed;
}

/** Whether a request carries Global Privacy Control (`Sec-GPC: 1`; any other value is none). */
export const hasPrivacyControl = (header: string | undefined): boolean => header?.trim() === '1';

// The server imports only the shared protocol from the SDK (.dependency-cruiser.cjs), not src/core.
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
