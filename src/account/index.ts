// A chunk (src/chunks/load.ts): loaded at a verified sign-in, so a page whose customer never signs in
// with proof never fetches it.
import type { Cart } from '../cart/cart.ts';
import { type MergeChange, type MergePolicy, mergeGuest } from '../cart/merge.ts';
import type { ConsentClient } from '../consent/types.ts';
import type { Properties } from '../protocol/events.ts';
import { CART_DOC } from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { link } from '../sync/link.ts';
import { withConsent } from '../version.ts';
import { followConsent, type Recorded } from './consent.ts';

/** What a sign-in needs of the client: tracking the merge, and its consent. */
export interface SignInClient extends ConsentClient {
  track(event: string, properties?: Properties): void;
}

/** Consent follows the customer from the first verified sign-in of a page on (once per page). */
let following = false;

/**
 * A verified sign-in (protocol §2, §5): links this device to the customer's account, and the first
 * time a guest's device joins it, merges the guest cart into the account's by `policy`; from then
 * on the customer's consent follows them (consent.ts). Returns the lines the merge changed (none
 * when there was nothing to merge, or the link was refused: reported). `client` tracks the merge;
 * `recorded`: the channel (`web`) and privacy-policy version a consent change is recorded with.
 */
export async function signIn(
  sync: Sync,
  cart: Cart,
  userId: string,
  userHash: string,
  policy: MergePolicy,
  client: SignInClient,
  recorded: Recorded,
): Promise<MergeChange[]> {
  await sync.ready();
  const linked = await link(sync, userId, userHash);
  const guest = cart.items();
  let changes: MergeChange[] = [];
  if (linked?.wasAnonymous && guest.length) {
    // Set aside at once, before the next sync pushes the guest lines into the account as they are.
    const doc = sync.doc(CART_DOC);
    doc.forget();
    await sync.sync();
    changes = mergeGuest(doc, cart.items(), guest, policy, (event, properties) =>
      client.track(event, properties),
    );
  }
  if (withConsent && !following) {
    following = true;
    void followConsent(sync, client, recorded);
  }
  return changes;
}
