import { attempt } from '../core/env.ts';
import { local } from '../storage/local.ts';

/**
 * The name sent while the real zone is unknown, from `offset` (minutes, UTC − local, as
 * getTimezoneOffset()). Segment's spec makes context.timezone an IANA name and collectors parse it as
 * one, so a separate offset field would be ignored: an `Etc/GMT±N` zone is an IANA name with exactly
 * this offset, only without the real zone's DST rules. Etc/GMT counts as POSIX does, west positive
 * (UTC+1 is Etc/GMT-1): the same sign as getTimezoneOffset(). No IANA name has a fixed half- or
 * quarter-hour offset (India, Nepal, Newfoundland): those send '' (unknown), as when Intl fails.
 */
export const zoneOfOffset = (offset: number): string =>
  offset % 60 ? '' : `Etc/GMT${offset > 0 ? '+' : ''}${offset / 60 || ''}`;

/**
 * The device's IANA time zone for every event's context.timezone, never costing the page's load: a
 * page's first `Intl.DateTimeFormat()` takes ~30 ms of main thread (Chromium: it loads locale data).
 *
 * Kept in localStorage by offset (`omnikit:tz:-60` → "Europe/Paris"), beside the identity: a repeat
 * visit knows it at once. A zone is only ever used at the offset it was resolved at, so a new offset
 * (travel, or the first DST change this browser sees) looks it up again: when the page is idle after
 * the visit's first event, kept once storage is allowed (consent). Events before carry `zoneOfOffset`.
 * A move to another zone that has the same offset today keeps the old name: the local time it implies
 * is still right; only DST dates may differ, and the next change of offset looks it up again.
 */
export function createTimeZone(stored: () => boolean): () => string {
  const offset = new Date().getTimezoneOffset();
  const key = `omnikit:tz:${offset}`;
  let zone = local.get<string>(key);
  const lookUp = () => {
    zone = attempt(() => Intl.DateTimeFormat().resolvedOptions().timeZone, '');
    if (zone && stored()) local.set(key, zone);
  };
  // Scheduled by the visit's first event, so after the SDK's start-up (events wait for identity):
  // the lookup never holds up the first events. '' until it ran.
  const lookUpWhenIdle = () => {
    // Asked from a timer, out of the event's own call: a page's first requestIdleCallback costs
    // Chromium 0.6-1.1 ms (measured). Without it (Safari), a timer; outside a browser (server-side
    // rendering) a timer too, and nothing is stored.
    setTimeout(() => (globalThis.requestIdleCallback ?? setTimeout)(lookUp));
    return '';
  };
  return () => {
    zone ??= lookUpWhenIdle();
    // The fallback is named per event only until the zone is known.
    return zone || zoneOfOffset(offset);
  };
}
