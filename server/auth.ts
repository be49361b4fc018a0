import type { Context } from 'hono';
import { PROFILE_ERASED } from '../src/protocol/index.ts';
import { bearerToken } from './bearer.ts';
import { ApiError } from './errors.ts';
import { noteSite } from './request-site.ts';
import { type Site, type SiteDirectory, siteAllowsOrigin } from './sites.ts';
import type { Device } from './store/sync-types.ts';
import type { Store } from './store/types.ts';
import { hashToken } from './tokens.ts';

/** The device a request acts for, and its site. */
export interface Authenticated {
  device: Device;
  site: Site;
}

/** Whether the request carries `Authorization: Bearer ...` (a device call, not a write-key call). */
export function hasBearer(context: Context): boolean {
  return /^Bearer\s/i.test(context.req.header('authorization') ?? '');
}

/**
 * Resolves `Authorization: Bearer <device token>` to an active device, and checks the page's origin
 * against the device's site like /v1/batch does with the write key's site.
 */
export async function authenticate(context: Context, deps: { store: Store; sites: SiteDirectory }) {
  const token = bearerToken(context.req.header('authorization'));
  if (!token) {
    throw new ApiError(401, 'invalid_token', 'Missing device token: send "Authorization: Bearer <token>"');
  }
  const tokenHash = hashToken(token);
  const device = await deps.store.deviceByTokenHash(tokenHash);
  // Told apart from an unknown token, so the client drops what it holds and starts afresh (§8).
  if (!device && (await deps.store.isErasedToken(tokenHash))) {
    throw new ApiError(401, PROFILE_ERASED, 'This device was erased (forgotten); start as a new visitor');
  }
  // A device of a site that left the config is as good as revoked.
  const site = noteSite(context.req.raw, device ? deps.sites.byId(device.siteId) : undefined);
  if (!device || !site) {
    throw new ApiError(401, 'invalid_token', 'Unknown or revoked device token; register the device again');
  }
  const origin = context.req.header('origin');
  if (origin !== undefined && !siteAllowsOrigin(site, origin)) {
    throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} is not allowed for this device's site`);
  }
  return { device, site } satisfies Authenticated;
}
