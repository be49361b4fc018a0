import { CART_DOC, FORM_DOC_PREFIX, RECENT_DOC, type StoreView } from '../../src/protocol/index.ts';
import { formsOf, recentOf } from '../agent/profile.ts';
import { displayName, ownersOf, traitsOf } from '../agent/traits.ts';
import { cartLinesOf } from '../cart-lines.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { Handoff } from '../store/sync-types.ts';

/**
 * What staff in the store see of the customer whose code they read: who (a guest, or the signed-in
 * customer and their name), the cart's lines, what they viewed lately and their open drafts. No
 * chat, no events, no devices: the code shows the cart, not the account.
 */
export async function storeView(deps: ProtocolDeps, code: Handoff): Promise<StoreView> {
  const { siteId, profileId } = code;
  const profile = await deps.store.profileSummary(siteId, profileId);
  const [traits, cart, recent, drafts] = await Promise.all([
    profile ? traitsOf(deps, siteId, ownersOf(profile)) : { verified: {}, unverified: {} },
    deps.store.liveRecords(siteId, profileId, CART_DOC),
    deps.store.receivedRecords(siteId, profileId, RECENT_DOC),
    deps.store.liveRecordsOfDocs(siteId, profileId, FORM_DOC_PREFIX),
  ]);
  const name = displayName([], traits);
  return {
    profileId,
    userId: profile?.userId ?? null,
    ...(name && { name: name.name, nameVerified: name.verified }),
    cart: cartLinesOf(cart),
    recent: recentOf(recent),
    forms: formsOf(drafts),
    expiresAt: code.expiresAt.toISOString(),
  };
}
