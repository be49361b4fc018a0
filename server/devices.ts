import type { Handler } from 'hono';
import { DEVICE_TOKEN_BITS, MAX_ID_LENGTH, type RegisterAnswer } from '../src/protocol/index.ts';
import { authenticate } from './auth.ts';
import { readJsonObject } from './body.ts';
import type { ProtocolDeps } from './deps.ts';
import { ApiError } from './errors.ts';
import { siteAllowsOrigin } from './sites.ts';
import { hashToken, newToken } from './tokens.ts';
import { isStorableId } from './values/index.ts';
import { resolveSite } from './write-key.ts';

/** Bytes of a device token: the random bits the protocol requires. */
export const DEVICE_TOKEN_BYTES = DEVICE_TOKEN_BITS / 8;

/** `POST /v1/devices`: registers a device (write key like /v1/batch) and hands out its token, once. */
export function registerHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const body = await readJsonObject(context);
    const site = resolveSite(context.req.raw, body, deps.sites);
    // Before any work for the site: refused floods should cost as little as possible.
    deps.limits.enforce(site.id, 'registrations', deps.limits.client(context));
    const origin = context.req.header('origin');
    if (origin !== undefined && !siteAllowsOrigin(site, origin)) {
      throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} is not allowed for this write key`);
    }
    const { anonymousId } = body;
    if (!isStorableId(anonymousId, MAX_ID_LENGTH)) {
      throw new ApiError(
        400,
        'invalid_anonymous_id',
        `"anonymousId" must be a non-empty string of at most ${MAX_ID_LENGTH} characters, well-formed Unicode without U+0000`,
      );
    }
    const token = newToken(DEVICE_TOKEN_BYTES);
    const { deviceId, profileId } = await deps.store.createDevice(site.id, anonymousId, hashToken(token));
    const result: RegisterAnswer = { deviceId, token, profileId };
    return context.json(result, 201);
  };
}

/**
 * `DELETE /v1/devices/current`: revokes the caller's token (log out, reset()), and ends the unclaimed
 * handoff links of its profile: one made before a sign-out must not pull the next person at that
 * screen into the profile.
 */
export function revokeHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device } = await authenticate(context, deps);
    // Links first: a failure here leaves the token working for another try, never a revoked device
    // whose links still open its profile.
    await deps.store.endHandoffs(device.siteId, device.profileId, new Date());
    await deps.store.revokeDevice(device.id);
    // A revoked token must not keep hearing about the profile.
    deps.hub.endDevice(device.id);
    return context.body(null, 204);
  };
}
