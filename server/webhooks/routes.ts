import type { Handler } from 'hono';
import { ApiError } from '../errors.ts';
import { requireServerKey } from '../server-key.ts';
import type { SiteDirectory } from '../sites.ts';
import type { Delivery, DeliveryFilter, DeliveryStatus, WebhookStore } from '../store/webhook-types.ts';
import type { WebhookOptions } from './options.ts';

/** Deliveries per page of `GET /v1/webhooks/deliveries` unless `limit` asks otherwise (at most 500). */
export const DEFAULT_DELIVERIES_PAGE = 100;
const MAX_DELIVERIES_PAGE = 500;
const STATUSES: readonly string[] = ['pending', 'delivered', 'failed'] satisfies DeliveryStatus[];
const ID = /^\d{1,15}$/;

interface RouteDeps {
  store: WebhookStore;
  sites: SiteDirectory;
  now: () => number;
  webhooks: Pick<WebhookOptions, 'retryForMs'>;
  /** Tells the worker a delivery is due now. */
  nudge: () => void;
}

/**
 * `GET /v1/webhooks/deliveries` with the site's server key: where each delivery stands, newest first,
 * narrowed by `status` and `webhook`; `next` asks for the page after (`before=`).
 */
export function listDeliveriesHandler(deps: RouteDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const filter = deliveryQuery(context.req.query());
    const deliveries = await deps.store.listDeliveries(site.id, filter);
    const last = deliveries.at(-1);
    return context.json({
      deliveries: deliveries.map(deliveryJson),
      ...(last && deliveries.length === filter.limit ? { next: last.id } : {}),
    });
  };
}

/**
 * `POST /v1/webhooks/deliveries/{id}/retry` with the site's server key: the delivery is due again
 * now, whatever its status, retried for a full horizon from now (a receiver fixed after the
 * deliveries failed, or one that lost what it received). `202` with the delivery.
 */
export function retryDeliveryHandler(deps: RouteDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const id = context.req.param('id') ?? '';
    const now = deps.now();
    const delivery = ID.test(id)
      ? await deps.store.retryDelivery(site.id, id, now, now + deps.webhooks.retryForMs)
      : undefined;
    if (!delivery)
      throw new ApiError(404, 'delivery_not_found', 'No webhook delivery of this site has that id');
    deps.nudge();
    return context.json({ delivery: deliveryJson(delivery) }, 202);
  };
}

function deliveryQuery(query: Record<string, string>): DeliveryFilter {
  const refuse = (name: string, expected: string): never => {
    throw new ApiError(400, 'invalid_query', `${name}: expected ${expected}`);
  };
  const { status, webhook, before } = query;
  if (status !== undefined && !STATUSES.includes(status)) refuse('status', STATUSES.join(', '));
  if (webhook !== undefined && (webhook === '' || webhook.length > 64)) refuse('webhook', "a webhook's name");
  if (before !== undefined && !ID.test(before)) refuse('before', "a page's next");
  const limit = query.limit === undefined ? DEFAULT_DELIVERIES_PAGE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERIES_PAGE)
    refuse('limit', 'an integer, 1-500');
  return { status: status as DeliveryStatus | undefined, webhook, before, limit };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A delivery as the API shows it: times in ISO 8601. */
function deliveryJson(delivery: Delivery) {
  return {
    id: delivery.id,
    webhook: delivery.webhook,
    messageId: delivery.messageId,
    credential: delivery.credential,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    createdAt: iso(delivery.createdAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    retryUntil: iso(delivery.retryUntil),
    deliveredAt: iso(delivery.deliveredAt),
  };
}
