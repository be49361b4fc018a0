import { randomUUID } from 'node:crypto';
import type { Order } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { planViolations } from '../plan/violations.ts';
import type { Site } from '../sites.ts';
import type { Webhooks } from '../webhooks/index.ts';

/** What the store routes use besides the protocol's parts: the webhooks a recorded sale goes out to. */
export interface StoreDeps extends ProtocolDeps {
  webhooks?: Webhooks;
}

/** Who bought: the signed-in customer's id, and the anonymous id of the device that showed the code. */
export interface Buyer {
  userId: string | null;
  anonymousId?: string;
}

/**
 * Records `Order Completed` for a sale completed in the store, as the shop's servers would send it
 * (credential `server`: verified), with `context.channel: "store"`; checked against the site's plan and
 * queued for its webhooks in the event's transaction, like any event. Answers its messageId.
 */
export async function recordStoreSale(
  deps: StoreDeps,
  site: Site,
  buyer: Buyer,
  order: Order,
): Promise<string> {
  const messageId = randomUUID();
  const event = {
    type: 'track',
    event: 'Order Completed',
    messageId,
    ...(buyer.userId !== null && { userId: buyer.userId }),
    ...(buyer.anonymousId !== undefined && { anonymousId: buyer.anonymousId }),
    timestamp: order.updatedAt,
    properties: {
      order_id: order.id,
      products: order.items.map((item) => ({
        product_id: item.productId,
        ...(item.variantId !== undefined && { variant: item.variantId }),
        name: item.name,
        price: item.price,
        quantity: item.quantity,
      })),
      ...(order.total !== undefined && { total: order.total, revenue: order.total }),
      ...(order.currency !== undefined && { currency: order.currency }),
    },
    context: { channel: 'store', library: { name: 'omnikit-server' } },
  };
  const webhooks = deps.webhooks?.queue(site, [event]);
  const { inserted } = await deps.store.insertEvents(site.id, [event], {
    credential: 'server',
    violations: site.plan ? planViolations(site.plan, [event]) : [],
    webhooks,
  });
  if (webhooks && inserted > 0) deps.webhooks?.nudge();
  return messageId;
}
