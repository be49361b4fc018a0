import type { Context } from 'hono';
import { readJsonObject } from '../body.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Handoff, StoreCodeUse } from '../store/sync-types.ts';
import { readStoreCode, storeCodeHash } from './code.ts';
import { authenticateStaff, type StoreStaff } from './staff.ts';

/** A live code staff gave, with the body it came in. */
export interface FoundCode extends StoreStaff {
  code: Handoff;
  codeHash: string;
  body: Record<string, unknown>;
}

/**
 * The staff, and the live code of a store request's body (`code`: typed or scanned). Tries count per
 * client address, so guessing codes stays slow (31^6 of them, a few dozen tries a minute).
 */
export async function foundCode(context: Context, deps: ProtocolDeps): Promise<FoundCode> {
  const staff = await authenticateStaff(context, deps);
  deps.limits.enforce(staff.site.id, 'storeLookups', deps.limits.client(context));
  const body = await readJsonObject(context, 4096);
  const code = readStoreCode(body.code);
  if (code === undefined) {
    throw new ApiError(
      400,
      'invalid_store_code',
      '"code" must be the six characters the customer shows, or the text of its QR code',
    );
  }
  const codeHash = storeCodeHash(staff.site, code);
  const found = await deps.store.findHandoff(staff.site.id, codeHash, 'store');
  if (!found) throw storeCodeError('not_found');
  if (found.claimedAt) throw storeCodeError('used');
  if (found.expiresAt.getTime() <= deps.now()) throw storeCodeError('expired');
  return { ...staff, code: found, codeHash, body };
}

/** The answer to a code that cannot be used (any outcome of a use but `ok`). */
export function storeCodeError(outcome: Exclude<StoreCodeUse, 'ok'>): ApiError {
  switch (outcome) {
    case 'not_found':
      return new ApiError(
        404,
        'store_code_not_found',
        'No such code: check it, or ask for the one on screen',
      );
    case 'used':
      return new ApiError(410, 'store_code_used', 'This code was used for a sale: ask for a new one');
    case 'expired':
      return new ApiError(410, 'store_code_expired', 'This code has expired: ask for a new one');
  }
}
