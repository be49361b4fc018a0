import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Handler } from 'hono';
import { type IdentifyAnswer, MAX_ID_LENGTH } from '../src/protocol/index.ts';
import { authenticate } from './auth.ts';
import { readJsonObject } from './body.ts';
import { moveConversation } from './chat/move.ts';
import type { ProtocolDeps } from './deps.ts';
import { ApiError } from './errors.ts';
import { isStorableId } from './values/index.ts';

/** `hex(HMAC-SHA256(secret, userId))`: what the site's own server computes for `userHash`. */
export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `userHash` proves `userId`; constant-time, so timing reveals nothing about the right hash. */
export function verifyUserHash(secret: string, userId: string, userHash: unknown): boolean {
  if (typeof userHash !== 'string' || !/^[0-9a-f]{64}$/i.test(userHash)) return false;
  const expected = Buffer.from(userHashOf(secret, userId), 'hex');
  return timingSafeEqual(expected, Buffer.from(userHash, 'hex'));
}

/**
 * `POST /v1/identify` (Bearer): links the device to a verified user's profile. A claim without the
 * site's proof changes nothing, so a device that merely names a user id gets none of that user's state.
 */
export function identifyHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    if (!site.secret) {
      throw new ApiError(
        403,
        'identity_not_configured',
        `Site "${site.id}" has no secret configured, so it cannot verify identities`,
      );
    }
    const body = await readJsonObject(context);
    const { userId, userHash } = body;
    // Well-formed, or HMAC's UTF-8 turns a lone surrogate into U+FFFD: one userHash would prove two
    // ids ("x\ud800" signed as "x\ufffd") and a device would land on another customer's profile.
    if (!isStorableId(userId, MAX_ID_LENGTH)) {
      throw new ApiError(
        400,
        'invalid_user_id',
        `"userId" must be a non-empty string of at most ${MAX_ID_LENGTH} characters, well-formed Unicode without U+0000`,
      );
    }
    if (!verifyUserHash(site.secret, userId, userHash)) {
      throw new ApiError(
        403,
        'invalid_user_hash',
        '"userHash" must be hex(HMAC-SHA256(site secret, userId)), computed by the site\'s own server',
      );
    }
    const link = await deps.store.linkDeviceToUser(device.id, userId);
    if (link.profileId !== link.previousProfileId) {
      deps.hub.moveDevice(device.id, link.profileId);
      if (link.wasAnonymous) await moveConversation(deps, site.id, link.previousProfileId, link.profileId);
      // The device's own stream now hears the new profile: this tells it to pull from there.
      deps.hub.publish(link.profileId, { cursor: await deps.store.profileCursor(site.id, link.profileId) });
    }
    const result: IdentifyAnswer = {
      profileId: link.profileId,
      userId,
      previousProfileId: link.previousProfileId,
      wasAnonymous: link.wasAnonymous,
    };
    return context.json(result);
  };
}
