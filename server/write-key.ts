import { ApiError } from './errors.ts';
import { noteSite } from './request-site.ts';
import { siteOfServerKey } from './server-key.ts';
import type { Site, SiteDirectory } from './sites.ts';
import type { EventCredential } from './store/types.ts';

/**
 * Finds the site a request is for, and the credential that named it. A site's own servers
 * (server-side channels, src/server-events.ts) send its secret server key: `server`. Anyone else
 * sends the public write key, which ships in page source, so what it says is a claim: `public`. The
 * write key arrives the way each client sends it: `Authorization: Basic base64(writeKey:)` (Segment,
 * RudderStack), `writeKey` in the JSON body (Segment), or `?writeKey=` (RudderStack's sendBeacon,
 * which cannot set headers). The first one present wins.
 */
export function resolveSender(
  request: Request,
  body: unknown,
  sites: SiteDirectory,
): { site: Site; credential: EventCredential } {
  const server = siteOfServerKey(request, sites);
  if (server) return { site: server, credential: 'server' };
  return { site: siteOfWriteKey(request, body, sites), credential: 'public' };
}

/** The site a request is for, by its server key or write key (see resolveSender). */
export function resolveSite(request: Request, body: unknown, sites: SiteDirectory): Site {
  return resolveSender(request, body, sites).site;
}

function siteOfWriteKey(request: Request, body: unknown, sites: SiteDirectory): Site {
  const writeKey = writeKeyFromHeader(request) ?? writeKeyFromBody(body) ?? writeKeyFromQuery(request);
  if (writeKey === undefined) {
    throw new ApiError(
      401,
      'missing_write_key',
      'Missing write key: send "Authorization: Basic base64(writeKey:)", a "writeKey" in the body, or ?writeKey=',
    );
  }
  const site = sites.byWriteKey(writeKey);
  if (!site) throw new ApiError(401, 'invalid_write_key', 'Unknown write key');
  return noteSite(request, site);
}

function writeKeyFromHeader(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (!header) return undefined;
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new ApiError(401, 'invalid_authorization', 'Authorization must be "Basic base64(writeKey:)"');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // The key is the user name; the password part is empty by convention and ignored.
  const colon = decoded.indexOf(':');
  const writeKey = colon === -1 ? decoded : decoded.slice(0, colon);
  return writeKey === '' ? undefined : writeKey;
}

function writeKeyFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const writeKey = (body as Record<string, unknown>).writeKey;
  return typeof writeKey === 'string' && writeKey !== '' ? writeKey : undefined;
}

function writeKeyFromQuery(request: Request): string | undefined {
  const writeKey = new URL(request.url).searchParams.get('writeKey');
  return writeKey ? writeKey : undefined;
}
