import type { Handler } from 'hono';
import { authenticate } from '../auth.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { requireServerKey } from '../server-key.ts';
import { subjectHash } from '../store/erasure-subject.ts';
import { afterErasure, newReceipt } from './receipt.ts';
import { userIdOfPath } from './user-id.ts';

/**
 * `DELETE /v1/profiles/{userId}` (server key): erases a customer and everything linked to them
 * (ErasureStore.eraseUser), ends their devices and streams, answers a receipt. Erasing a userId the
 * server does not know, or one already erased, is a receipt that removed nothing: a retry is safe.
 * `?suppress=true` also drops their later events.
 */
export function eraseUserHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context);
    const suppress = suppressionAsked(context.req.query('suppress'));
    const receipt = newReceipt(subjectHash(site.id, userId));
    const erasure = await deps.store.eraseUser(
      site.id,
      userId,
      receipt,
      suppress ? receipt.subjectHash : undefined,
    );
    return context.json(afterErasure(deps, site.id, receipt, erasure, suppress));
  };
}

/**
 * `DELETE /v1/devices/current/data` (device token; the SDK's `forget()`): an anonymous visitor's
 * profile goes whole; on a verified customer's profile only this device and its events without a
 * userId go. A device token never erases an account: only the server key can.
 */
export function forgetDeviceHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    const receipt = newReceipt(subjectHash(site.id, `profile:${device.profileId}`));
    const erasure = await deps.store.forgetDevice(device.id, receipt);
    return context.json(afterErasure(deps, site.id, receipt, erasure, false));
  };
}

/** `?suppress=true|false` (absent: false); anything else is a 400, not a silent "no". */
function suppressionAsked(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ApiError(400, 'invalid_query', 'suppress must be "true" or "false"');
}
