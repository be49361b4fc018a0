// Fault injection, for tests only: a middleware the test backends install into a real server
// (`createServerWithFaults`), so client tests meet real failures from the real server. The server
// itself never imports this file: production routing has no fault code path.
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, MiddlewareHandler } from 'hono';
import { createServer, type OmnikitServer, type ServerOptions } from './app.ts';
import { errorResponse } from './errors.ts';
import type { ServerMiddleware } from './middleware.ts';

/** Limits a fault to some routes. */
export interface FaultTarget {
  /**
   * Only requests to this exact path (or one of these), e.g. '/v1/sync' or '/v1/stream'. Default:
   * every faultable route (events, devices, identify, sync, stream, handoff). Target faults whenever a
   * client sends several kinds of requests at once, or the wrong one may take the fault.
   */
  path?: string | string[];
}

/**
 * Fault injection on the protocol routes, so client tests can meet real failures from the real server.
 * One-shot faults (`fail`, `drop`) queue up in call order and each consumes one matching request;
 * `delay` applies on top of them. Only active on a server its middleware is installed in.
 */
export interface Faults {
  /** Answers the next `count` requests with `status` (and `headers`, e.g. Retry-After) without processing them. */
  fail(count: number, status: number, headers?: Record<string, string>, target?: FaultTarget): void;
  /** Delays the next `count` requests by `ms` (default: every request until `clear()`). */
  delay(ms: number, count?: number, target?: FaultTarget): void;
  /**
   * Destroys the TCP connection of the next `count` requests without any response. By default the
   * request is not processed (a request lost on the way); with `{ after: true }` it is processed first
   * (a response lost on the way back), so the client re-sends and deduplication must hold. On
   * /v1/stream, `after` lets the stream open, then cuts it.
   */
  drop(count: number, options?: { after?: boolean } & FaultTarget): void;
  /** Cuts every open /v1/stream connection now, as a proxy would; returns how many were cut. */
  dropStreams(): number;
  /** Removes every pending fault. */
  clear(): void;
}

type OneShot = { paths: string[] | null } & (
  | { kind: 'fail'; status: number; headers: Record<string, string> }
  | { kind: 'drop'; after: boolean }
);

/** A server with fault injection installed, and the faults to inject. */
export interface FaultyServer extends OmnikitServer {
  faults: Faults;
}

/** `createServer` with a FaultPlan installed (after any middleware of `options`): what tests run. */
export function createServerWithFaults(options: ServerOptions): FaultyServer {
  // The plan cuts the streams of the server it is installed in, which is made after it.
  const plan = new FaultPlan({ cutAll: () => server.cutStreams() });
  const server = createServer({ ...options, middleware: [...(options.middleware ?? []), plan.middleware()] });
  return { ...server, faults: plan };
}

/** The live fault queue behind `Faults`, plus the middleware that applies it. */
export class FaultPlan implements Faults {
  #queue: OneShot[] = [];
  #delay: { ms: number; remaining: number; paths: string[] | null } | null = null;
  readonly #streams: { cutAll(): number };

  /** `streams` is what `dropStreams()` cuts. */
  constructor(streams: { cutAll(): number } = { cutAll: () => 0 }) {
    this.#streams = streams;
  }

  fail(count: number, status: number, headers: Record<string, string> = {}, target: FaultTarget = {}): void {
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`fail(): status must be an HTTP status 200-599, got ${status}`);
    }
    const paths = pathsOf(target);
    for (let queued = 0; queued < checkCount(count, 'fail'); queued++) {
      this.#queue.push({ kind: 'fail', status, headers, paths });
    }
  }

  delay(ms: number, count = Number.POSITIVE_INFINITY, target: FaultTarget = {}): void {
    if (!(ms >= 0)) throw new RangeError(`delay(): ms must be >= 0, got ${ms}`);
    const remaining = count === Number.POSITIVE_INFINITY ? count : checkCount(count, 'delay');
    this.#delay = { ms, remaining, paths: pathsOf(target) };
  }

  drop(count: number, options: { after?: boolean } & FaultTarget = {}): void {
    const after = options.after === true;
    const paths = pathsOf(options);
    for (let queued = 0; queued < checkCount(count, 'drop'); queued++)
      this.#queue.push({ kind: 'drop', after, paths });
  }

  dropStreams(): number {
    return this.#streams.cutAll();
  }

  clear(): void {
    this.#queue = [];
    this.#delay = null;
  }

  /** What to install in a server (createServer's `middleware`) for the faults to apply. */
  middleware(): ServerMiddleware {
    return { request: closeEveryConnection, route: this.#routeMiddleware() };
  }

  /** Faults are taken at arrival, so they hit requests in arrival order. */
  #routeMiddleware(): MiddlewareHandler {
    return async (context, next) => {
      const path = context.req.path;
      const index = this.#queue.findIndex((fault) => matches(fault.paths, path));
      const fault = index === -1 ? undefined : this.#queue.splice(index, 1)[0];
      const delayMs = this.#takeDelay(path);
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
      context.res = dropConnection(context);
    };
  }

  #takeDelay(path: string): number {
    if (!this.#delay || !matches(this.#delay.paths, path)) return 0;
    const { ms } = this.#delay;
    this.#delay.remaining -= 1;
    if (this.#delay.remaining <= 0) this.#delay = null;
    return ms;
  }
}

// Under fault injection every request gets a fresh connection: Chromium silently re-sends a request
// whose reused keep-alive connection died, which would hide a dropped connection from the client
// under test.
const closeEveryConnection: MiddlewareHandler = async (context, next) => {
  await next();
  context.header('Connection', 'close');
};

// A fetch handler cannot close a connection; only the Node socket underneath can.
function dropConnection(context: Context): Response {
  const incoming = (context.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming?.socket) {
    throw new Error(
      'Faults.drop() needs Node HTTP bindings: serve the app with listen() or getRequestListener(app.fetch)',
    );
  }
  // The stats count a request whose connection is gone before its answer as `dropped`.
  incoming.socket.destroy();
  // Tells @hono/node-server not to write anything to the (now destroyed) response.
  return RESPONSE_ALREADY_SENT;
}

function pathsOf(target: FaultTarget): string[] | null {
  if (target.path === undefined) return null;
  return Array.isArray(target.path) ? [...target.path] : [target.path];
}

function matches(paths: string[] | null, path: string): boolean {
  return paths === null || paths.includes(path);
}

function checkCount(count: number, method: string): number {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`${method}(): count must be an integer >= 0`);
  return count;
}
