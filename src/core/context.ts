import type { EventContext } from '../protocol/events.ts';
import { withConsent } from '../version.ts';
import { inBrowser } from './env.ts';

/** Ad-platform click ids, kept as they are: Google, Meta, Microsoft, TikTok, LinkedIn, X, Yandex. */
const CLICK_ID = /^(gclid|gbraid|wbraid|dclid|fbclid|msclkid|ttclid|li_fat_id|twclid|yclid)$/;

let lastQuery: string | undefined;
let lastCampaign: Record<string, string> | undefined;

/**
 * Campaign fields of a query string: utm_* (utm_campaign as `name`, as Segment does) and, unless
 * `clickIds` is false (no consent to `marketing`), click ids. The last answer is reused while the
 * query stays the same (every event asks).
 */
export function campaignOf(search: string, clickIds = true): Record<string, string> | undefined {
  const query = withConsent ? clickIds + search : search;
  if (query === lastQuery) return lastCampaign;
  let campaign: Record<string, string> | undefined;
  for (const [key, value] of new URLSearchParams(search)) {
    const utm = key.startsWith('utm_') && key.slice(4);
    const name = utm === 'campaign' ? 'name' : utm || (clickIds && CLICK_ID.test(key) && key);
    if (name && value) campaign = { ...campaign, [name]: value.slice(0, 500) };
  }
  lastQuery = query;
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
