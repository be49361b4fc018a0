// A chunk (src/chunks/load.ts): loaded at a verified sign-in, so a page whose customer never signs in
// with proof never fetches it.
import type { Cart } from '../cart/cart.ts';
import { type MergeChange, type MergePolicy, mergeGuest } from '../cart/merge.ts';
import type { Properties } from '../protocol/events.ts';
import { CART_DOC } from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { link } from '../sync/link.ts';

export { followConsent } from './consent.ts';

/**
 * A verified sign-in (protocol §2, §5): links this device to the customer's account, and the first
 * time a guest's device joins it, merges the guest cart into the account's by `policy`. Returns the
 * lines the merge changed (none when there was nothing to merge, or the link was refused: reported).
 */
export async function signIn(
  sync: Sync,
  cart: Cart,
  userId: string,
  userHash: string,
  policy: MergePolicy,
  track: (event: string, properties: Properties) => void,
): Promise<MergeChange[]> {
  await sync.ready();
  const linked = await link(sync, userId, userHash);
  const guest = cart.items();
  if (!linked?.wasAnonymous || !guest.length) return [];
  // Set aside at once, before the next sync pushes the guest lines into the account as they are.
  const doc = sync.doc(CART_DOC);
  doc.forget();
  await sync.sync();
  return mergeGuest(doc, cart.items(), guest, policy, track);
}
