import type { Handler } from 'hono';
import { STORE_CODE_TTL_MS, type StoreCodeCreated } from '../../src/protocol/index.ts';
import { authenticate } from '../auth.ts';
import type { ProtocolDeps } from '../deps.ts';
import { newStoreCode, storeCodeHash } from './code.ts';

/**
 * `POST /v1/store-codes` (Bearer): a code this device shows in the store ("my cart in store"), for
 * STORE_CODE_TTL_MS. Guests and signed-in customers alike: it only lets staff read the cart and
 * complete its sale, never move a device. Counted with the device's handoffs: both hand something on.
 */
export function createStoreCodeHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    deps.limits.enforce(site.id, 'handoffs', device.id);
    const code = newStoreCode();
    const expiresAt = new Date(deps.now() + STORE_CODE_TTL_MS);
    await deps.store.createHandoff({
      kind: 'store',
      tokenHash: storeCodeHash(site, code),
      siteId: site.id,
      profileId: device.profileId,
      createdBy: device.id,
      expiresAt,
    });
    const created: StoreCodeCreated = { code, expiresAt: expiresAt.toISOString() };
    return context.json(created, 201);
  };
}
