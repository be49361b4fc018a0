// `omnikit/server`: events from channels without a browser (a store's POS, a call centre, a back
// office), in the same envelope as the browser SDK's, sent with the site's secret server key.
// Plain fetch and Web Crypto: runs on Node 20+, Deno, Bun and edge runtimes. Never ship it to a browser:
// the server key is a secret.
import type {
  BatchAnswer,
  BatchRequest,
  Loyalty,
  LoyaltyInput,
  Order,
  OrderInput,
  ResumeLinkCreated,
  ResumeLinkRequest,
} from './protocol/index.ts';
import { retried, retryable } from './protocol/retry.ts';
import { shopWrites } from './shop-state/server-writes.ts';
import { version } from './version.ts';

/** Who an event is about: the signed-in customer's `userId`, and/or a device's `anonymousId`. */
export type Who = { userId: string; anonymousId?: string } | { userId?: string; anonymousId: string };

/** Per-call options. */
export interface ServerEventOptions {
  /** When it happened (default now). */
  timestamp?: Date | string;
  /** Idempotency key, e.g. `pos-<receipt id>`: the server stores one event per messageId (default random). */
  messageId?: string;
  /** Merged into `context`, e.g. `{ store: { id: 'paris-1' } }` or a `channel` of its own. */
  context?: Record<string, unknown>;
}

/** Options of {@link createServerEvents}. */
export interface ServerEventsConfig {
  /** Base URL of the Omnikit backend. */
  endpoint: string;
  /** The site's secret `serverKey` (server config), sent as `Authorization: Bearer`. */
  serverKey: string;
  /** `context.channel` of every event, e.g. `store`, `call_center`, `email`. Default `server`. */
  channel?: string;
  /** Send once this many events wait. Default 20. */
  flushAt?: number;
  /** Longest wait (ms) before queued events are sent; 0: only on `flush()`. Default 1000. */
  flushInterval?: number;
  /** Retries of a batch after a network error, 5xx or 429 (with backoff, Retry-After honoured). Default 5. */
  maxRetries?: number;
  /** A batch that could not be delivered, or events the server rejected. Default: console.error. */
  onError?: (error: Error, events: Record<string, unknown>[]) => void;
  /** The fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
}

/** The helper's methods. */
export interface ServerEvents {
  /** Queues a track event; answers its messageId. */
  track(who: Who, event: string, properties?: Record<string, unknown>, options?: ServerEventOptions): string;
  /** Queues an identify event with traits; answers its messageId. */
  identify(who: Who, traits?: Record<string, unknown>, options?: ServerEventOptions): string;
  /** Sends everything queued; resolves once delivered or given up (reported through onError). */
  flush(): Promise<void>;
  /**
   * Records an order as it stands now (placed, paid, shipped…) for the customer `userId`: live on
   * their signed-in devices (`omnikit.orders`). Retried like a batch; rejects when refused (a 4xx).
   */
  order(userId: string, order: OrderInput): Promise<Order>;
  /** Sets the customer's loyalty balance, live on their devices (`omnikit.loyalty`); retried, rejects when refused. */
  loyalty(userId: string, balance: LoyaltyInput): Promise<Loyalty>;
  /**
   * A signed, expiring link to the customer's cart for an abandoned-cart email or SMS (`url`: the shop
   * page it opens, utm fields welcome; default the site's first origin); retried, rejects when refused.
   */
  resumeLink(userId: string, request?: ResumeLinkRequest): Promise<ResumeLinkCreated>;
}

/** Creates a sender of server-side events with the browser SDK's envelope. */
export function createServerEvents(config: ServerEventsConfig): ServerEvents {
  const { serverKey, channel = 'server', flushAt = 20, flushInterval = 1000, maxRetries = 5 } = config;
  const base = config.endpoint.replace(/\/+$/, '');
  const url = `${base}/v1/batch`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${serverKey}` };
  const doFetch = config.fetch ?? globalThis.fetch;
  const onError = config.onError ?? ((error) => console.error(`[omnikit/server] ${error.message}`));
  const library = { name: 'omnikit', version };
  const queue: Record<string, unknown>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending = Promise.resolve();

  const enqueue = (
    type: string,
    who: Who,
    fields: Record<string, unknown>,
    options: ServerEventOptions = {},
  ) => {
    if (!who.userId && !who.anonymousId)
      throw new TypeError('omnikit/server: a userId or an anonymousId is needed');
    const messageId = options.messageId ?? crypto.randomUUID();
    queue.push({
      type,
      messageId,
      anonymousId: who.anonymousId ?? null,
      userId: who.userId ?? null,
      timestamp: new Date(options.timestamp ?? Date.now()).toISOString(),
      ...fields,
      context: { channel, library, ...options.context },
    });
    if (queue.length >= flushAt) void flush();
    else if (flushInterval > 0 && !timer) {
      timer = setTimeout(flush, flushInterval);
      (timer as { unref?: () => void }).unref?.(); // never keeps a Node process alive
    }
    return messageId;
  };

  const send = async (events: Record<string, unknown>[]) => {
    try {
      const { res, tries } = await retried(() => {
        const sentAt = new Date().toISOString();
        const batch = { batch: events.map((event) => ({ ...event, sentAt })), sentAt } satisfies BatchRequest;
        return doFetch(url, { method: 'POST', headers, body: JSON.stringify(batch) });
      }, maxRetries);
      if (res.ok) {
        const body = (await res.json()) as Partial<BatchAnswer>;
        for (const rejection of body.rejected ?? [])
          onError(new Error(`rejected ${rejection.code}: ${rejection.message}`), [events[rejection.index]]);
        return;
      }
      const text = await res.text();
      if (retryable(res.status)) onError(new Error(`HTTP ${res.status} after ${tries} tries`), events);
      else onError(new Error(`HTTP ${res.status}: ${text}`), events);
    } catch (error) {
      onError(error as Error, events);
    }
  };

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    // One batch at a time, in order: a batch waits for the one before it.
    while (queue.length) {
      const batch = queue.splice(0, flushAt);
      sending = sending.then(() => send(batch));
    }
    return sending;
  }

  return {
    ...shopWrites(base, headers, doFetch, maxRetries),
    track: (who, event, properties = {}, options) => enqueue('track', who, { event, properties }, options),
    identify: (who, traits = {}, options) => enqueue('identify', who, { traits }, options),
    flush,
  };
}
