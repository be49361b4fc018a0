import type { ClaimedDelivery } from '../store/webhook-types.ts';
import type { Webhook } from './config.ts';
import { signWebhook } from './signature.ts';

/**
 * The body of a delivery: the event as the server stored it, in an envelope that says where it
 * comes from. The credential is in the signed body because it is what a receiver may trust: an event
 * sent with the public write key (anyone can) only claims its `userId`; one sent with the server key
 * comes from the shop's own servers. The same on every attempt: only the signature's time changes.
 */
export function deliveryBody(delivery: ClaimedDelivery, body: string): string {
  // The stored event is already JSON: placed as it is, never parsed and serialised again.
  const head = JSON.stringify({
    deliveryId: delivery.id,
    webhook: delivery.webhook,
    site: delivery.siteId,
    credential: delivery.credential,
    receivedAt: delivery.receivedAt,
  });
  return `${head.slice(0, -1)},"event":${body}}`;
}

/** The headers of one attempt, signed at `nowMs`. */
export function deliveryHeaders(
  delivery: ClaimedDelivery,
  webhook: Webhook,
  body: string,
  nowMs: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Omnikit-Webhooks/1',
    'Omnikit-Signature': signWebhook(webhook.secret, body, Math.floor(nowMs / 1000)),
    'Omnikit-Event-Id': delivery.messageId,
    'Omnikit-Delivery-Id': delivery.id,
    'Omnikit-Attempt': String(delivery.attempts),
  };
}
