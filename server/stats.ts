import type { MiddlewareHandler } from 'hono';
import { wasDropped } from './faults.ts';

/** Ingest counters since the last reset; tests use `duplicates` to prove a client never re-sent needlessly. */
export interface ServerStats {
  /** Requests that reached an ingest route (preflights excluded). */
  requests: number;
  /** Events received, valid or not. */
  received: number;
  /** Events newly stored. */
  inserted: number;
  /** Valid events whose messageId was already stored. */
  duplicates: number;
  /** Responses by HTTP status; connections dropped by fault injection count under 'dropped'. */
  byStatus: Record<string, number>;
}

/** Mutable counters behind `OmnikitServer.stats()`. */
export class StatsRecorder {
  #stats: ServerStats = emptyStats();

  /** A copy, so callers can compare snapshots. */
  snapshot(): ServerStats {
    return { ...this.#stats, byStatus: { ...this.#stats.byStatus } };
  }

  /** Starts counting from zero. */
  reset(): void {
    this.#stats = emptyStats();
  }

  /** Records the outcome of storing one batch. */
  recordBatch(received: number, inserted: number, duplicates: number): void {
    this.#stats.received += received;
    this.#stats.inserted += inserted;
    this.#stats.duplicates += duplicates;
  }

  /** Middleware for ingest routes: counts the request and how it was answered. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      this.#stats.requests += 1;
      await next();
      const key = wasDropped(c.req.raw) ? 'dropped' : String(c.res.status);
      this.#stats.byStatus[key] = (this.#stats.byStatus[key] ?? 0) + 1;
    };
  }
}

function emptyStats(): ServerStats {
  return { requests: 0, received: 0, inserted: 0, duplicates: 0, byStatus: {} };
}
