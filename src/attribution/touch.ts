import type { Touch, Touches } from '../protocol/events.ts';
import { CLICK_IDS, classify, externalHost, type ReferrerClass } from './referrer.ts';

export type { Touch, Touches } from '../protocol/events.ts';

/**
 * The touches kept with the identity, and the touch of the current session: `id` is the session's
 * (src/identity/session.ts), 0 until the landing page's first event gives it one.
 */
export interface Kept extends Touches {
  session?: Touch & { id: number };
}

// The medium of a touch without utm_medium; the other classes are their own medium.
const MEDIUM: Partial<Record<ReferrerClass, string>> = { paid: 'cpc', search: 'organic', direct: '(none)' };

/**
 * The touch of a page load: its `context.campaign`, its referrer, and this site's host or cookie
 * domain without `www.` (a referrer there is internal navigation).
 */
export function touchOf(
  campaign: Record<string, string> | undefined,
  referrer: string,
  site: string,
  at: number,
): Touch {
  const fields = campaign || {};
  const id = Object.keys(CLICK_IDS).find((name) => fields[name]);
  const [cls, source] = classify(fields, externalHost(referrer, site), id);
  return {
    class: cls,
    source,
    medium: fields.medium || MEDIUM[cls] || cls,
    campaign: fields.name,
    clickId: id && `${id}=${fields[id]}`,
    at,
  };
}

const key = (touch: Touch) => [touch.source, touch.medium, touch.campaign, touch.clickId].join();

/**
 * The touches after `touch`: the first one stays; the last one is replaced only by a touch from
 * somewhere (a campaign, a click id, an external referrer) that differs from it. Direct visits,
 * internal navigation and reloads of a landing page never replace it (last non-direct touch).
 */
export function nextTouches(prev: Touches | undefined, touch: Touch): Touches {
  if (!prev) return { first: touch, last: touch };
  return touch.class === 'direct' || key(prev.last) === key(touch)
    ? prev
    : { first: prev.first, last: touch };
}
