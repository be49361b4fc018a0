import { type Kept, nextTouches, touchOf } from './touch.ts';

/**
 * The `attribution` chunk (src/chunks/load.ts), fetched only for a page load that is a touch: the
 * touches kept after this landing (see touchOf for the arguments). Its touch becomes the session's,
 * unless it is direct (a campaign link without a source, say); the core sets the session `id` at the
 * page's first event.
 */
export function land(
  kept: Kept | undefined,
  campaign: Record<string, string> | undefined,
  referrer: string,
  site: string,
  at: number,
): Kept {
  const touch = touchOf(campaign, referrer, site, at);
  return {
    ...nextTouches(kept, touch),
    session: touch.class === 'direct' ? kept?.session : { ...touch, id: 0 },
  };
}
