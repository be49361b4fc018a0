import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';

/**
 * Fault injection on the ingest routes, so client tests can meet real failures from the real server.
 * One-shot faults (`fail`, `drop`) queue up in call order and each consumes one request; `delay`
 * applies on top of them. Only active when the server is created with `faults: true`.
 */
export interface Faults {
  /** Answers the next `count` requests with `status` (and `headers`, e.g. Retry-After) without processing them. */
  fail(count: number, status: number, headers?: Record<string, string>): void;
  /** Delays the next `count` requests by `ms` (default: every request until `clear()`). */
  delay(ms: number, count?: number): void;
  /**
   * Destroys the TCP connection of the next `count` requests without any response. By default the
   * request is not processed (a request lost on the way); with `{ after: true }` it is stored first
   * (a response lost on the way back), so the client re-sends and deduplication must hold.
   */
  drop(count: number, options?: { after?: boolean }): void;
  /** Removes every pending fault. */
  clear(): void;
}

type OneShot =
  | { kind: 'fail'; status: number; headers: Record<string, string> }
  | { kind: 'drop'; after: boolean };

/** The live fault queue behind `Faults`, plus the middleware that applies it. */
export class FaultPlan implements Faults {
  #queue: OneShot[] = [];
  #delay: { ms: number; remaining: number } | null = null;

  fail(count: number, status: number, headers: Record<string, string> = {}): void {
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`fail(): status must be an HTTP status 200-599, got ${status}`);
    }
    for (let i = 0; i < checkCount(count, 'fail'); i++) this.#queue.push({ kind: 'fail', status, headers });
  }

  delay(ms: number, count = Number.POSITIVE_INFINITY): void {
    if (!(ms >= 0)) throw new RangeError(`delay(): ms must be >= 0, got ${ms}`);
    this.#delay = { ms, remaining: count === Number.POSITIVE_INFINITY ? count : checkCount(count, 'delay') };
  }

  drop(count: number, options: { after?: boolean } = {}): void {
    const after = options.after === true;
    for (let i = 0; i < checkCount(count, 'drop'); i++) this.#queue.push({ kind: 'drop', after });
  }

  clear(): void {
    this.#queue = [];
    this.#delay = null;
  }

  /** Middleware for ingest routes. Faults are taken at arrival, so they hit requests in arrival order. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const fault = this.#queue.shift();
      const delayMs = this.#takeDelay();
      if (delayMs > 0) await sleep(delayMs);
      if (!fault) return next();
      if (fault.kind === 'fail') {
        return errorResponse(
          fault.status,
          'injected_fault',
          `Injected failure (${fault.status})`,
          fault.headers,
        );
      }
      if (fault.after) await next();
      c.res = dropConnection(c);
    };
  }

  #takeDelay(): number {
    if (!this.#delay) return 0;
    const { ms } = this.#delay;
    this.#delay.remaining -= 1;
    if (this.#delay.remaining <= 0) this.#delay = null;
    return ms;
  }
}

/** Faults that do nothing: what a production server gets. */
export const NO_FAULTS: Faults = { fail() {}, delay() {}, drop() {}, clear() {} };

const dropped = new WeakSet<Request>();

/** Whether fault injection dropped this request's connection (for stats). */
export function wasDropped(request: Request): boolean {
  return dropped.has(request);
}

// A fetch handler cannot close a connection; only the Node socket underneath can.
function dropConnection(c: Context): Response {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming?.socket) {
    throw new Error(
      'Faults.drop() needs Node HTTP bindings: serve the app with listen() or getRequestListener(app.fetch)',
    );
  }
  incoming.socket.destroy();
  dropped.add(c.req.raw);
  // Tells @hono/node-server not to write anything to the (now destroyed) response.
  return RESPONSE_ALREADY_SENT;
}

function checkCount(count: number, method: string): number {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`${method}(): count must be an integer >= 0`);
  return count;
}
