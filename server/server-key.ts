import { bearerToken } from './bearer.ts';
import { ApiError } from './errors.ts';
import { noteSite } from './request-site.ts';
import type { Site, SiteDirectory } from './sites.ts';

/**
 * The site whose secret server key the request carries as `Authorization: Bearer <serverKey>`;
 * undefined when it carries none; 401 for a key no site has. Only a site's own servers hold it.
 */
export function siteOfServerKey(request: Request, sites: SiteDirectory): Site | undefined {
  const key = bearerToken(request.headers.get('authorization'));
  if (!key) return undefined;
  const site = sites.byServerKey(key);
  if (!site) throw new ApiError(401, 'invalid_server_key', 'Unknown server key');
  return noteSite(request, site);
}

/** Like siteOfServerKey, but the key is required. */
export function requireServerKey(request: Request, sites: SiteDirectory): Site {
  const site = siteOfServerKey(request, sites);
  if (!site) {
    throw new ApiError(
      401,
      'missing_server_key',
      'Send the site\'s secret server key: "Authorization: Bearer <serverKey>"',
    );
  }
  return site;
}
