import type { EventContext } from '../types.ts';
import { attempt, inBrowser } from './env.ts';

/** Ad-platform click ids, kept as they are: Google, Meta, Microsoft, TikTok, LinkedIn, X, Yandex. */
const CLICK_ID = /^(gclid|gbraid|wbraid|dclid|fbclid|msclkid|ttclid|li_fat_id|twclid|yclid)$/;

/** Campaign fields of a query string: utm_* (utm_campaign as `name`, as Segment does) and click ids. */
export function campaignOf(search: string): Record<string, string> | undefined {
  let campaign: Record<string, string> | undefined;
  for (const [key, value] of new URLSearchParams(search)) {
    const utm = key.startsWith('utm_') && key.slice(4);
    const name = utm === 'campaign' ? 'name' : utm || (CLICK_ID.test(key) && key);
    if (name && value) campaign = { ...campaign, [name]: value.slice(0, 500) };
  }
  return campaign;
}

/** The page as it is now; `referrer` overrides document.referrer after SPA navigations. */
export function pageOf(referrer?: string): EventContext['page'] {
  if (!inBrowser()) return { path: '', referrer: '', search: '', title: '', url: '' };
  const { pathname, search, href, hash } = location;
  return {
    path: pathname,
    referrer: referrer ?? document.referrer,
    search,
    title: document.title,
    url: href.slice(0, href.length - hash.length),
  };
}

/** Facts about the device that do not change within a page's life. */
export function deviceContext(): Pick<EventContext, 'locale' | 'timezone' | 'userAgent'> {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return {
    locale: nav?.language ?? '',
    timezone: attempt(() => Intl.DateTimeFormat().resolvedOptions().timeZone, ''),
    userAgent: nav?.userAgent ?? '',
  };
}
