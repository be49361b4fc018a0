// The state that follows the customer, made together over one sync engine when continuity starts.
import { type Cart, createCart } from './cart/cart.ts';
import type { Report } from './core/report.ts';
import { handoffFace } from './handoff/face.ts';
import type { Handoff } from './handoff/types.ts';
import type { Properties } from './protocol/events.ts';
import { CART_DOC, LOYALTY_DOC, ORDERS_DOC, RECENT_DOC } from './protocol/index.ts';
import { createRecent, type Recent } from './recent/recent.ts';
import { createLoyalty, type LoyaltyBalance } from './shop-state/loyalty.ts';
import { createOrders, type Orders } from './shop-state/orders.ts';
import type { Sync } from './sync/index.ts';
import { withShopState } from './version.ts';

/** The cart, the handoff, the shop's orders and points, and the products viewed, over `sync`. */
export interface Parts {
  sync: Sync;
  cart: Cart;
  handoff: Handoff;
  orders: Orders;
  loyalty: LoyaltyBalance;
  recent: Recent;
}

/** The parts the client shows: `omnikit.cart`, `.handoff`, `.orders`, `.loyalty` and `.recent`. */
export type PartName = Exclude<keyof Parts, 'sync'>;

/** The parts over `sync`: `track` sends the cart's events, `report` its problems and `fail` the chunks'. */
export const createParts = (
  sync: Sync,
  track: (event: string, properties: Properties) => void,
  report: Report,
  fail: (error: Error) => undefined,
): Parts =>
  ({
    sync,
    cart: createCart(sync.doc(CART_DOC), track, report),
    handoff: handoffFace(sync, track, fail),
    ...(withShopState && {
      orders: createOrders(sync.doc(ORDERS_DOC)),
      loyalty: createLoyalty(sync.doc(LOYALTY_DOC)),
      recent: createRecent(sync.doc(RECENT_DOC)),
    }),
  }) as Parts;
