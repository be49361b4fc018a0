import type { Handler } from 'hono';
import {
  LOYALTY_DOC,
  LOYALTY_KEY,
  type Loyalty,
  MAX_VALUE_BYTES,
  ORDERS_DOC,
  type Order,
} from '../../src/protocol/index.ts';
import { readJsonObject } from '../body.ts';
import type { ProtocolDeps } from '../deps.ts';
import { userIdOfPath } from '../erasure/user-id.ts';
import { requireServerKey } from '../server-key.ts';
import { checkLoyalty } from './loyalty.ts';
import { checkOrder } from './order.ts';
import { writeShopRecord } from './write.ts';

/**
 * `POST /v1/profiles/{userId}/orders` (server key): the order as it stands now (placed, paid,
 * shipped…), kept under its id in the customer's `orders` document and live on their devices. The
 * answer is the order as stored, with the server's `updatedAt`.
 */
export function orderHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context, '/orders');
    const order: Order = {
      items: [],
      ...checkOrder(await readJsonObject(context, MAX_VALUE_BYTES)),
      updatedAt: new Date(deps.now()).toISOString(),
    };
    await writeShopRecord(deps, site.id, userId, ORDERS_DOC, order.id, { ...order });
    return context.json(order);
  };
}

/** `POST /v1/profiles/{userId}/loyalty` (server key): the customer's points balance, live on their devices. */
export function loyaltyHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context, '/loyalty');
    const loyalty: Loyalty = {
      ...checkLoyalty(await readJsonObject(context, MAX_VALUE_BYTES)),
      updatedAt: new Date(deps.now()).toISOString(),
    };
    await writeShopRecord(deps, site.id, userId, LOYALTY_DOC, LOYALTY_KEY, { ...loyalty });
    return context.json(loyalty);
  };
}
