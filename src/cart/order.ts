import { CART_DOC } from '../protocol/index.ts';
import { emptyDoc } from '../sync/empty.ts';
import type { Sync } from '../sync/types.ts';

/**
 * What an order placed (`Order Completed`) does to the cart: it empties it on every device
 * (tombstones). Its lines were bought, so no Product Removed. `start(true)` gives the sync engine
 * with only the stored documents loaded, `start()` online: a page that never used the cart reads
 * the stored one first, so a device without a cart registers nothing for it.
 */
export const emptyOnOrder = (start: (onlyLocal?: boolean) => { sync: Sync }) => (): void => {
  const { sync } = start(true);
  const empty = () => {
    const cart = sync.doc(CART_DOC);
    if (!cart.entries().length) return;
    start();
    emptyDoc(cart);
  };
  empty(); // what this page holds in memory, stored or not
  void sync.ready().then(empty); // and what was stored
};
