import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Counters since the last reset; tests use `duplicates` to prove a client never re-sent needlessly.
 * `requests`, `received`, `inserted`, `duplicates` and `byStatus` are about the event ingest routes.
 */
export interface ServerStats {
  /** Requests that reached an ingest route (preflights excluded). */
  requests: number;
  /** Events received, valid or not. */
  received: number;
  /** Events newly stored. */
  inserted: number;
  /** Valid events whose messageId was already stored. */
  duplicates: number;
  /** Valid events dropped because their userId was erased with suppression (protocol §8). */
  suppressed: number;
  /**
   * Responses by HTTP status; a request whose connection was gone before its answer (a client that
   * hung up, a connection a fault test dropped) counts under 'dropped'.
   */
  byStatus: Record<string, number>;
  /** Requests that reached POST /v1/sync, faulted ones included. */
  syncRequests: number;
  /** Stream connections opened (GET /v1/stream answered with a stream). */
  streamsOpened: number;
  /** Stream connections open right now; not a counter, so `resetStats()` leaves it alone. */
  streamsOpen: number;
}

type Counters = Omit<ServerStats, 'streamsOpen'>;

/** What became of one ingest request's events. */
export interface BatchOutcome {
  /** The site its credential named. */
  siteId: string;
  /** Events received, valid or not. */
  received: number;
  /** Events newly stored. */
  inserted: number;
  /** Valid events whose messageId was already stored. */
  duplicates: number;
  /** Events refused, by their rejection code (`invalid_type`, …). */
  rejected: Record<string, number>;
  /** Valid events dropped, not stored, because their userId was erased with suppression. */
  suppressed?: number;
}

/**
 * Hears what the recorder counts, as it counts it: the server's metrics (server/metrics) listen here
 * rather than at a second set of call sites.
 */
export interface StatsListener {
  batch(outcome: BatchOutcome): void;
  /** One POST /v1/sync answered (or dropped), after `seconds`. */
  sync(seconds: number): void;
}

/** Mutable counters behind `OmnikitServer.stats()`. */
export class StatsRecorder {
  #stats: Counters = emptyStats();
  readonly #streamsOpen: () => number;
  readonly #listener: StatsListener | undefined;

  /** `streamsOpen` reads the live number of open streams; `listener` hears every record. */
  constructor(streamsOpen: () => number = () => 0, listener?: StatsListener) {
    this.#streamsOpen = streamsOpen;
    this.#listener = listener;
  }

  /** A copy, so callers can compare snapshots. */
  snapshot(): ServerStats {
    return { ...this.#stats, byStatus: { ...this.#stats.byStatus }, streamsOpen: this.#streamsOpen() };
  }

  /** Starts counting from zero. */
  reset(): void {
    this.#stats = emptyStats();
  }

  /** Records the outcome of storing one batch. */
  recordBatch(outcome: BatchOutcome): void {
    this.#stats.received += outcome.received;
    this.#stats.inserted += outcome.inserted;
    this.#stats.duplicates += outcome.duplicates;
    this.#stats.suppressed += outcome.suppressed ?? 0;
    this.#listener?.batch(outcome);
  }

  /** Counts a stream connection being opened. */
  recordStreamOpened(): void {
    this.#stats.streamsOpened += 1;
  }

  /** Middleware for POST /v1/sync: counts every request that reaches it, before faults apply. */
  syncMiddleware(): MiddlewareHandler {
    return async (_c, next) => {
      this.#stats.syncRequests += 1;
      const started = performance.now();
      try {
        await next();
      } finally {
        this.#listener?.sync((performance.now() - started) / 1000);
      }
    };
  }

  /** Middleware for ingest routes: counts the request and how it was answered. */
  middleware(): MiddlewareHandler {
    return async (context, next) => {
      this.#stats.requests += 1;
      await next();
      const key = connectionGone(context) ? 'dropped' : String(context.res.status);
      this.#stats.byStatus[key] = (this.#stats.byStatus[key] ?? 0) + 1;
    };
  }
}

// Only Node's socket tells; served another way (app.fetch), every answer counts by its status.
function connectionGone(c: Context): boolean {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.destroyed === true;
}

function emptyStats(): Counters {
  return {
    requests: 0,
    received: 0,
    inserted: 0,
    duplicates: 0,
    suppressed: 0,
    byStatus: {},
    syncRequests: 0,
    streamsOpened: 0,
  };
}
