import { CLICK_IDS, isClickId } from '../protocol/click-ids.ts';
import type { EventContext } from '../protocol/events.ts';
import { inBrowser } from './env.ts';

/**
 * A click id's value in a query, in JSON text: it ends where the parameter does, or at a quote or
 * backslash (never cutting into an escape, so the JSON stays valid).
 */
const CLICK_ID_VALUE = new RegExp(`([?&](${CLICK_IDS.join('|')})=)[^&#"\\\\]*`, 'g');

/**
 * `page` with the values of click ids taken out of every field (address, query, referrer), for an
 * event without consent to `marketing`: the parameter's name stays, so the address still parses.
 */
export const withoutClickIds = (page: EventContext['page']): EventContext['page'] =>
  JSON.parse(JSON.stringify(page).replace(CLICK_ID_VALUE, '$1'));

let lastQuery: string | undefined;
let lastCampaign: Record<string, string> | undefined;

/**
 * Campaign fields of a query string: utm_* (utm_campaign as `name`, as Segment does) and click ids
 * (none from a query cleaned by `withoutClickIds`: their values are gone). The last answer is
 * reused while the query stays the same (every event asks).
 */
export function campaignOf(search: string): Record<string, string> | undefined {
  if (search === lastQuery) return lastCampaign;
  let campaign: Record<string, string> | undefined;
  for (const [key, value] of new URLSearchParams(search)) {
    const utm = key.startsWith('utm_') && key.slice(4);
    const name = utm === 'campaign' ? 'name' : utm || (isClickId(key) && key);
    if (name && value) campaign = { ...campaign, [name]: value.slice(0, 500) };
  }
  lastQuery = search;
  lastCampaign = campaign;
  return campaign;
}

let lastHref: string | undefined;
let lastPage: EventContext['page'] | undefined;

/**
 * The page as it is now; `referrer` overrides document.referrer after SPA navigations. Reading
 * `location` is slow, so the last answer is reused while the URL, title and referrer stay the same.
 */
export function pageOf(referrer?: string): EventContext['page'] {
  if (!inBrowser()) return { path: '', referrer: '', search: '', title: '', url: '' };
  const { href } = location;
  const title = document.title;
  referrer ??= document.referrer;
  if (href !== lastHref || lastPage?.title !== title || lastPage.referrer !== referrer) {
    const { pathname, search } = location;
    lastHref = href;
    lastPage = { path: pathname, referrer, search, title, url: href.split('#')[0] };
  }
  return lastPage;
}

type Device = Pick<EventContext, 'locale' | 'timezone' | 'userAgent'>;

/**
 * Facts about the device for every event: the locale, the user agent and the time zone as `timezone`
 * names it now (src/identity/time-zone.ts: known only later on a first visit).
 */
export function deviceContext(timezone: () => string): () => Device {
  const nav = globalThis.navigator;
  return () => ({ locale: nav?.language ?? '', timezone: timezone(), userAgent: nav?.userAgent ?? '' });
}
