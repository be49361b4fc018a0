/**
 * Storage port of webhook deliveries (server/webhooks/): one row per event and webhook it matched,
 * written in the transaction that stores the event (InsertEventsOptions.webhooks), so an event the
 * server acknowledged always has its deliveries. A row names the event (site, messageId, credential);
 * the body is read from the event when it is sent, so erasing the event erases what would be sent.
 */
import type { EventCredential } from './event-types.ts';

export type { QueuedDeliveries } from './event-types.ts';

/** Where a delivery stands: waiting for its next attempt, received with a 2xx, or given up. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery as the API lists it. */
export interface Delivery {
  id: string;
  siteId: string;
  webhook: string;
  messageId: string;
  credential: EventCredential;
  status: DeliveryStatus;
  attempts: number;
  /** When it was queued (ms, server clock). */
  createdAt: number;
  /** When the next attempt is due (ms); null unless pending. */
  nextAttemptAt: number | null;
  /** Attempts go on until then (ms). */
  retryUntil: number;
  /** What the last failed attempt got: `HTTP 500`, `timeout`, `connection refused`…; null if none. */
  lastError: string | null;
  /** When it was delivered (ms); null unless delivered. */
  deliveredAt: number | null;
}

/** A delivery claimed for one attempt, with what to send. */
export interface ClaimedDelivery extends Delivery {
  /** Proves the claim: an outcome is recorded only while the claim still holds. */
  lease: number;
  /** The event's JSON as stored; null when the event is no longer stored (retention). */
  body: string | null;
  /** When the server stored the event (ISO 8601). */
  receivedAt: string | null;
}

/** What one attempt ended in. */
export type AttemptOutcome =
  | { status: 'delivered'; at: number }
  | { status: 'pending'; error: string; nextAttemptAt: number }
  | { status: 'failed'; error: string; at: number };

/** Narrows `listDeliveries`; newest first. */
export interface DeliveryFilter {
  status?: DeliveryStatus;
  webhook?: string;
  /** Only deliveries older than this one: a page's `next`. */
  before?: string;
  limit: number;
}

/** The queue of webhook deliveries. */
export interface WebhookStore {
  /**
   * Claims up to `limit` pending deliveries due at `now` whose lease has run out, for `leaseMs`:
   * no other claim takes them meanwhile, in this process or another sharing the database. Counts
   * the attempt.
   */
  claimDeliveries(now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt's outcome; false (nothing changed) when the claim no longer holds. */
  recordAttempt(id: string, lease: number, outcome: AttemptOutcome): Promise<boolean>;
  /** A site's deliveries, newest first. */
  listDeliveries(siteId: string, filter: DeliveryFilter): Promise<Delivery[]>;
  /**
   * Makes a delivery of the site due again at `now`, retried until `retryUntil` (any status: a
   * receiver may ask for one again); the delivery after, or undefined when the site has no such id.
   */
  retryDelivery(siteId: string, id: string, now: number, retryUntil: number): Promise<Delivery | undefined>;
  /** Deletes up to `limit` deliveries of `status` that ended (delivered, failed) before `before` (ms); how many went. */
  pruneDeliveries(status: 'delivered' | 'failed', before: number, limit: number): Promise<number>;
  /** How many deliveries are pending, of every site. */
  pendingDeliveries(): Promise<number>;
}
