import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { COMPAT_ROUTES, type IngestRoute } from './compat.ts';
import { cors } from './cors.ts';
import { ApiError, errorResponse } from './errors.ts';
import { FaultPlan, type Faults, NO_FAULTS } from './faults.ts';
import { batchOf, ingestHandler } from './ingest.ts';
import { type Site, SiteDirectory } from './sites.ts';
import { type ServerStats, StatsRecorder } from './stats.ts';
import type { EventStore } from './store/types.ts';

/** A running HTTP listener. */
export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The reference backend: a Hono app plus the test hooks around it. */
export interface OmnikitServer {
  app: Hono;
  faults: Faults;
  stats(): ServerStats;
  resetStats(): void;
  /** Listens on `port` (default 0 = a random free port) and `hostname` (default 127.0.0.1). */
  listen(port?: number, hostname?: string): Promise<Listening>;
}

/** Options of `createServer`. */
export interface ServerOptions {
  store: EventStore;
  sites: Site[];
  /** Enables fault injection (tests only); otherwise `faults` methods do nothing. */
  faults?: boolean;
}

/** Builds the backend; mount `app` anywhere (e.g. `getRequestListener(app.fetch)`) or call `listen()`. */
export function createServer(options: ServerOptions): OmnikitServer {
  const sites = new SiteDirectory(options.sites);
  const stats = new StatsRecorder();
  const plan = options.faults === true ? new FaultPlan() : null;
  const deps = { store: options.store, sites, stats };

  const app = new Hono();
  if (plan) {
    // Under fault injection every request gets a fresh connection: Chromium silently re-sends a
    // request whose reused keep-alive connection died, which would hide a dropped connection from
    // the client under test.
    app.use('*', async (c, next) => {
      await next();
      c.header('Connection', 'close');
    });
  }
  app.use('*', cors(sites));
  app.get('/health', (c) => c.json({ ok: true }));

  const routes: IngestRoute[] = [{ path: '/v1/batch', extract: batchOf }, ...COMPAT_ROUTES];
  for (const route of routes) {
    // Only POSTs pass through stats and faults: preflights are answered by cors() and never faulted.
    app.post(route.path, stats.middleware());
    if (plan) app.post(route.path, plan.middleware());
    app.post(route.path, ingestHandler(deps, route.extract));
  }

  app.notFound((c) => errorResponse(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((error) => {
    if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message);
    console.error('[omnikit] unexpected error', error);
    return errorResponse(500, 'internal_error', 'Internal server error');
  });

  return {
    app,
    faults: plan ?? NO_FAULTS,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    listen: (port = 0, hostname = '127.0.0.1') => listen(app, port, hostname),
  };
}

function listen(app: Hono, port: number, hostname: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const actualPort = (server.address() as AddressInfo).port;
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({ url: `http://${host}:${actualPort}`, port: actualPort, close: () => closeServer(server) });
    });
  });
}

// Stops accepting, lets in-flight requests finish, and does not wait on idle keep-alive sockets.
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
    // A stuck client must not hold shutdown hostage.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
