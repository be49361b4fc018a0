/**
 * Calls `fn` when the page may be going away: hidden (tab switch, app switch on mobile, often the
 * last reliable moment) or `pagehide` (navigation, close, bfcache). Never `unload`: it is unreliable
 * on mobile and disables the back/forward cache.
 */
export function onPageExit(fn: () => void): void {
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && fn());
  addEventListener('pagehide', fn);
}
