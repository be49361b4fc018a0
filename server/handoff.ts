import type { Context, Handler } from 'hono';
import {
  CART_DOC,
  HANDOFF_TOKEN_BITS,
  type HandoffClaimed,
  type HandoffCreated,
  type HandoffPeek,
  type HandoffSummary,
  MAX_ID_LENGTH,
} from '../src/protocol/index.ts';
import { authenticate } from './auth.ts';
import { readJsonObject } from './body.ts';
import type { ProtocolDeps } from './deps.ts';
import { ApiError } from './errors.ts';
import type { Handoff, SyncRecord } from './store/sync-types.ts';
import { hashToken, newToken } from './tokens.ts';
import { isStorableId } from './values/index.ts';

/** Bytes of a handoff token: the protocol's minimum of random bits, short enough for a QR code. */
export const HANDOFF_TOKEN_BYTES = HANDOFF_TOKEN_BITS / 8;
/** Default lifetime of a handoff token. */
export const DEFAULT_HANDOFF_TTL_MS = 10 * 60_000;

/**
 * `POST /v1/handoff` (Bearer): a one-time token for the device's anonymous profile. An identified
 * profile is refused: its state moves only with the user's own proof (signing in on the other device).
 */
export function createHandoffHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device } = await authenticate(context, deps);
    if (device.userId !== null) {
      throw new ApiError(
        403,
        'identified_profile',
        'This profile belongs to a signed-in user: sign in on the other device instead',
      );
    }
    deps.limits.enforce(device.siteId, 'handoffs', device.id);
    const token = newToken(HANDOFF_TOKEN_BYTES);
    const expiresAt = new Date(Date.now() + deps.handoffTtlMs);
    await deps.store.createHandoff({
      tokenHash: hashToken(token),
      siteId: device.siteId,
      profileId: device.profileId,
      createdBy: device.id,
      expiresAt,
    });
    const result: HandoffCreated = { token, expiresAt: expiresAt.toISOString() };
    return context.json(result, 201);
  };
}

/** `POST /v1/handoff/peek` (Bearer): what a claim would resume; claims nothing. */
export function peekHandoffHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, handoff } = await usableHandoff(context, deps);
    const cart = await deps.store.liveRecords(device.siteId, handoff.profileId, CART_DOC);
    const result: HandoffPeek = {
      summary: { cart: cartSummary(cart) },
      expiresAt: handoff.expiresAt.toISOString(),
    };
    return context.json(result);
  };
}

/** `POST /v1/handoff/claim` (Bearer): links the device to the handoff's profile; the first claim only. */
export function claimHandoffHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, tokenHash } = await handoffRequest(context, deps);
    const claim = await deps.store.claimHandoff(device.siteId, tokenHash, device.id, new Date());
    if (!claim.ok) throw handoffError(claim.reason);
    if (claim.profileId !== claim.previousProfileId) {
      deps.hub.moveDevice(device.id, claim.profileId);
      // Everyone on the profile, the claimer's moved stream included, hears about the new device.
      deps.hub.publish(claim.profileId, {
        cursor: await deps.store.profileCursor(device.siteId, claim.profileId),
      });
    }
    const result: HandoffClaimed = { profileId: claim.profileId };
    return context.json(result);
  };
}

/** Lines with a numeric `qty`, and their total: what "resume your cart (3 items)" needs. */
export function cartSummary(records: SyncRecord[]): HandoffSummary['cart'] {
  let lines = 0;
  let quantity = 0;
  for (const record of records) {
    const qty = (record.value as { qty?: unknown } | null)?.qty;
    if (typeof qty !== 'number' || !Number.isFinite(qty)) continue;
    lines += 1;
    quantity += qty;
  }
  return { lines, quantity };
}

async function handoffRequest(context: Context, deps: ProtocolDeps) {
  const { device } = await authenticate(context, deps);
  // A signed-in device is never moved out of its account by someone's link (its next writes would go
  // to the link's maker); the claim checks again in its transaction. Peeks answer the same, first.
  if (device.userId !== null) throw handoffError('identified_device');
  // Peeks and claims share one budget: both answer "does this token exist?".
  deps.limits.enforce(device.siteId, 'handoffClaims', device.id);
  const { token } = await readJsonObject(context);
  if (!isStorableId(token, MAX_ID_LENGTH)) {
    throw new ApiError(
      400,
      'invalid_handoff_token',
      '"token" must be the handoff token string from the link',
    );
  }
  return { device, tokenHash: hashToken(token) };
}

async function usableHandoff(context: Context, deps: ProtocolDeps) {
  const { device, tokenHash } = await handoffRequest(context, deps);
  const handoff: Handoff | null = await deps.store.findHandoff(device.siteId, tokenHash);
  if (!handoff) throw handoffError('not_found');
  if (handoff.claimedAt) throw handoffError('used');
  if (handoff.expiresAt.getTime() <= Date.now()) throw handoffError('expired');
  return { device, handoff };
}

function handoffError(reason: 'not_found' | 'used' | 'expired' | 'identified_device'): ApiError {
  switch (reason) {
    case 'identified_device':
      return new ApiError(
        403,
        'identified_device',
        'This device is signed in: a handoff link cannot move it out of its account; sign out first',
      );
    case 'not_found':
      return new ApiError(404, 'handoff_not_found', 'No such handoff: check the link');
    case 'used':
      return new ApiError(410, 'handoff_used', 'This handoff was already used');
    case 'expired':
      return new ApiError(410, 'handoff_expired', 'This handoff has expired: create a new one');
  }
}
