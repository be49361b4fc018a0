import type { Site } from './sites.ts';

// Per request, and gone with it: a WeakMap keyed by the request object.
const siteIds = new WeakMap<Request, string>();

/**
 * Notes the site a request's credential named (write key, server key, device token, agent key), for
 * the request log; answers `site` as it was given. Never the credential itself.
 */
export function noteSite<T extends Site | undefined>(request: Request, site: T): T {
  if (site) siteIds.set(request, site.id);
  return site;
}

/** The id of the site `noteSite` noted for this request, if any. */
export const siteOfRequest = (request: Request): string | undefined => siteIds.get(request);
