/** The event log part of the store port (types.ts): analytics events, deduplicated per credential. */

/** One event as stored: the columns we query on, plus the event JSON exactly as the client sent it. */
export interface StoredEvent {
  siteId: string;
  messageId: string;
  type: string;
  anonymousId: string | null;
  userId: string | null;
  event: string | null;
  /** When it happened per the client (`timestamp`, else `originalTimestamp`, else `receivedAt`), ISO 8601 UTC. */
  timestamp: string;
  /** When the server stored it (server clock, ISO 8601). */
  receivedAt: string;
  /** The credential it came with: what the `public` write key says about a user is only a claim. */
  credential: EventCredential;
  body: Record<string, unknown>;
}

/** Narrows `listEvents`; all given fields must match. */
export interface EventFilter {
  anonymousId?: string;
  userId?: string;
  type?: string;
  messageId?: string;
  credential?: EventCredential;
  /** Maximum number of events returned (default 1000). */
  limit?: number;
  /** Only events the server received at or after this instant (ISO 8601 UTC, as `receivedAt`). */
  receivedFrom?: string;
  /** Only events the server received before this instant (ISO 8601 UTC). */
  receivedBefore?: string;
  /** Only events stored after this position: the `next` of the page before (see `pageEvents`). */
  after?: string;
}

/** A page of `pageEvents`; `next` (when the page is full) asks for the page after it. */
export interface EventPage {
  events: StoredEvent[];
  next?: string;
}

/**
 * The credential an event came with: the site's public write key (any page, so what it says about a
 * user is a claim) or its secret server key (the shop's own servers).
 */
export type EventCredential = 'public' | 'server';

/**
 * Webhook deliveries to queue with a batch of events (store/webhook-types.ts), for the events stored,
 * never the duplicates.
 */
export interface QueuedDeliveries {
  /** Per event, in the batch's order: the names of the site's webhooks it goes to. */
  webhooks: readonly (readonly string[])[];
  /** The server's clock (ms): the first attempt is due at once. */
  at: number;
  /** Attempts go on until this instant (ms), then the delivery is marked failed. */
  retryUntil: number;
}

/** Options of `insertEvents`. */
export interface InsertEventsOptions {
  /** The credential the events came with (default `public`); deduplication is per credential. */
  credential?: EventCredential;
  /** Plan violations of these events, stored in the same transaction as the events. */
  violations?: PlanViolation[];
  /**
   * Each event's JSON, as `JSON.stringify` gives it, in the order of `events`, when the caller has it
   * already (the server's validation serialises every event): stored as the body instead of
   * serialising each event again.
   */
  json?: readonly string[];
  /**
   * Webhook deliveries of these events, queued in the same transaction for each event stored (a
   * duplicate queues none): an acknowledged event never misses one, a failed batch leaves none.
   */
  webhooks?: QueuedDeliveries;
}

/** Durable, deduplicating home of analytics events. */
export interface EventLog {
  /**
   * Stores already-validated events of one site in one transaction. An event whose `messageId` the
   * site already has from the same credential is a duplicate (clients deliver at least once) and is
   * left untouched; the same `messageId` from the other credential is another event.
   */
  insertEvents(
    siteId: string,
    events: Record<string, unknown>[],
    options?: InsertEventsOptions,
  ): Promise<{ inserted: number; duplicates: number }>;
  /** Events of one site, oldest first. */
  listEvents(siteId: string, filter?: EventFilter): Promise<StoredEvent[]>;
  /** Like `listEvents`, a page at a time: pass a page's `next` as `after` for the following one. */
  pageEvents(siteId: string, filter?: EventFilter): Promise<EventPage>;
}

/** One tracking-plan violation of one stored event (server/plan/). */
export interface PlanViolation {
  messageId: string;
  event: string;
  /** Property path (`products[0].price`), '' for the event itself. */
  path: string;
  kind: string;
  message: string;
}
