import type { MiddlewareHandler } from 'hono';

/**
 * Middleware a caller of `createServer` installs around the routes; the server itself installs none.
 * The test backends install fault injection this way (server/faults.ts), so production routing has no
 * fault code path at all.
 */
export interface ServerMiddleware {
  /** Runs first on every request, before CORS: preflights, /health and unknown paths included. */
  request?: MiddlewareHandler;
  /**
   * Runs on each route that serves a client (the protocol, agent, event and plan-report routes), right
   * before its handler: after CORS, the route's stats and the Bearer routing of /v1/identify, so what
   * it answers is counted, and carries CORS headers, like the handler's own answer.
   */
  route?: MiddlewareHandler;
}
