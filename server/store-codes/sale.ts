import type { Handler } from 'hono';
import {
  CART_DOC,
  MAX_ID_LENGTH,
  ORDERS_DOC,
  type Order,
  replicaHlc,
  SERVER_REPLICA,
  type StoreSale,
} from '../../src/protocol/index.ts';
import { cartLinesOf } from '../cart-lines.ts';
import { ApiError } from '../errors.ts';
import { refuseSuppressed } from '../shop-state/write.ts';
import type { SyncRecord } from '../store/sync-types.ts';
import { isStorableId } from '../values/index.ts';
import { foundCode, storeCodeError } from './found.ts';
import { recordStoreSale, type StoreDeps } from './sale-event.ts';

/**
 * `POST /v1/store/sales` (staff): the customer whose code staff read buys the cart's lines in the
 * store. The code is used first (a second sale with it is a 410), then, in one merge, the order
 * joins the customer's `orders` (completed, channel `store`) and the cart's lines are removed: every
 * device of the customer sees both live. `Order Completed` is recorded with the server's credential.
 */
export function storeSaleHandler(deps: StoreDeps): Handler {
  return async (context) => {
    const { site, by, code, codeHash, body } = await foundCode(context, deps);
    const { orderId } = body;
    if (!isStorableId(orderId, MAX_ID_LENGTH)) {
      throw new ApiError(
        400,
        'invalid_order',
        `"orderId" must be the sale's id (the till's receipt number), 1 to ${MAX_ID_LENGTH} characters`,
      );
    }
    const [cart, orders, profile] = await Promise.all([
      deps.store.liveRecords(site.id, code.profileId, CART_DOC),
      deps.store.liveRecords(site.id, code.profileId, ORDERS_DOC),
      deps.store.profileSummary(site.id, code.profileId),
    ]);
    const order = orderOf(orderId, cart, deps.now());
    if (order.items.length === 0) {
      throw new ApiError(409, 'store_cart_empty', 'The cart has no lines to sell: nothing was recorded');
    }
    // A receipt number the customer's history has already: another sale's, never overwritten.
    if (orders.some((record) => record.key === orderId)) {
      throw new ApiError(
        409,
        'order_exists',
        `The customer already has an order ${orderId}: nothing was recorded`,
      );
    }
    const userId = profile?.userId ?? null;
    if (userId !== null) await refuseSuppressed(deps, site.id, userId);
    const used = await deps.store.useStoreCode(site.id, codeHash, by, new Date(deps.now()));
    if (used !== 'ok') throw storeCodeError(used);

    const written: SyncRecord[] = [
      ...cart.map((line) => ({
        doc: CART_DOC,
        key: line.key,
        value: null,
        hlc: replicaHlc(SERVER_REPLICA, deps.now(), line.hlc),
        deleted: true,
      })),
      {
        doc: ORDERS_DOC,
        key: orderId,
        value: { ...order },
        hlc: replicaHlc(SERVER_REPLICA, deps.now()),
        deleted: false,
      },
    ];
    const merged = await deps.store.mergeRecords(site.id, code.profileId, written);
    if (merged.written > 0) {
      deps.hub.publish(code.profileId, merged);
      deps.agents.profile(site.id, code.profileId);
    }
    // The device that showed the code, or (moved to another profile since) any of the customer's.
    const devices = profile?.devices ?? [];
    const shower = devices.find((device) => device.deviceId === code.createdBy) ?? devices[0];
    const messageId = await recordStoreSale(deps, site, { userId, anonymousId: shower?.anonymousId }, order);
    const sale: StoreSale = { order, messageId };
    return context.json(sale, 201);
  };
}

/** The order of a sale of the cart's lines now: completed, in the store, at the lines' prices. */
function orderOf(id: string, cart: SyncRecord[], now: number): Order {
  const lines = cartLinesOf(cart);
  const currency = lines.find((line) => line.currency)?.currency;
  return {
    id,
    status: 'completed',
    items: lines.map((line) => ({
      name: line.name,
      quantity: line.qty,
      productId: line.productId,
      ...(line.variantId && { variantId: line.variantId }),
      price: line.price,
    })),
    // Rounded where a float sum would show 59.970000000000006 for three lines of 19.99.
    total: Number(lines.reduce((sum, line) => sum + line.price * line.qty, 0).toFixed(6)),
    ...(currency && { currency }),
    channel: 'store',
    placedAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
}
