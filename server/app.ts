import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { AgentHub } from './agent/hub.ts';
import { type CatalogLookup, siteCatalog } from './catalog.ts';
import { DEFAULT_COMPACTION_INTERVAL_MS, startCompaction } from './compaction.ts';
import { COMPAT_ROUTES, type IngestRoute } from './compat.ts';
import { cors } from './cors.ts';
import type { ProtocolDeps } from './deps.ts';
import { ErrorLog } from './error-log.ts';
import { ApiError, errorResponse } from './errors.ts';
import { FaultPlan, type Faults, NO_FAULTS } from './faults.ts';
import { DEFAULT_HANDOFF_TTL_MS } from './handoff.ts';
import { batchOf, ingestHandler } from './ingest.ts';
import { planReportHandler } from './plan/report.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit.ts';
import { mountProtocolRoutes } from './routes.ts';
import { type Site, SiteDirectory } from './sites.ts';
import { type ServerStats, StatsRecorder } from './stats.ts';
import { isStorageFailure, STORAGE_RETRY_AFTER_S } from './store/storage-failure.ts';
import type { Store } from './store/types.ts';
import { DEFAULT_STREAM_PING_MS } from './stream.ts';
import { StreamHub } from './stream-hub.ts';

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
  /** Forgets every rate-limit count (tests, between cases). */
  resetRateLimits(): void;
  /**
   * Compacts tombstones, then listens on `port` (default 0 = a random free port) and `hostname`
   * (default 127.0.0.1), compacting again every `compactionIntervalMs`. Its `close()` stops that and
   * first ends every open event stream cleanly, so shutdown never waits on one.
   */
  listen(port?: number, hostname?: string): Promise<Listening>;
}

/** Options of `createServer`. */
export interface ServerOptions {
  store: Store;
  sites: Site[];
  /** Enables fault injection (tests only); otherwise `faults` methods do nothing. */
  faults?: boolean;
  /** Lifetime of handoff tokens (default 10 minutes). */
  handoffTtlMs?: number;
  /** Interval of `: ping` comments on event streams (default 15 s). */
  streamPingMs?: number;
  /** Overrides of the default rate limits (30 registrations/min per IP, 5 handoffs/min per device, ...). */
  rateLimits?: Partial<RateLimits>;
  /**
   * The clock (ms) of the sync horizon, tombstone compaction and the error log's rate limit (default
   * `Date.now`; tests pin it).
   */
  now?: () => number;
  /** How often a listening server compacts tombstones (default 1 hour). */
  compactionIntervalMs?: number;
  /**
   * Current prices of cart lines, e.g. from the shop's own pricing API; replaces every site's
   * `catalog` from the config (see CatalogLookup).
   */
  catalog?: CatalogLookup;
}

/** Builds the backend; mount `app` anywhere (e.g. `getRequestListener(app.fetch)`) or call `listen()`. */
export function createServer(options: ServerOptions): OmnikitServer {
  const sites = new SiteDirectory(options.sites);
  const hub = new StreamHub();
  const agents = new AgentHub();
  // Both kinds of stream: shutdown ends them all, a fault cuts them all.
  const streams = {
    endAll: () => hub.endAll() + agents.endAll(),
    cutAll: () => hub.cutAll() + agents.cutAll(),
  };
  const stats = new StatsRecorder(() => hub.size);
  const plan = options.faults === true ? new FaultPlan(streams) : null;
  const deps = { store: options.store, sites, stats };
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const limiters = {
    registrations: new RateLimiter(limits.registrations),
    handoffs: new RateLimiter(limits.handoffs),
    handoffClaims: new RateLimiter(limits.handoffClaims),
    typing: new RateLimiter(limits.typing),
  };
  const protocolDeps: ProtocolDeps = {
    ...deps,
    hub,
    agents,
    limiters,
    handoffTtlMs: positive(options.handoffTtlMs, DEFAULT_HANDOFF_TTL_MS, 'handoffTtlMs'),
    streamPingMs: positive(options.streamPingMs, DEFAULT_STREAM_PING_MS, 'streamPingMs'),
    now: options.now ?? Date.now,
    catalog: options.catalog ?? siteCatalog,
  };
  const errors = new ErrorLog({ now: protocolDeps.now });
  const compactionIntervalMs = positive(
    options.compactionIntervalMs,
    DEFAULT_COMPACTION_INTERVAL_MS,
    'compactionIntervalMs',
  );

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
  // Before the event routes: /v1/identify is both (see mountProtocolRoutes).
  mountProtocolRoutes(app, protocolDeps, plan);
  if (plan) app.get('/v1/plan/report', plan.middleware());
  app.get('/v1/plan/report', planReportHandler(deps));

  const routes: IngestRoute[] = [{ path: '/v1/batch', extract: batchOf }, ...COMPAT_ROUTES];
  for (const route of routes) {
    // Only POSTs pass through stats and faults: preflights are answered by cors() and never faulted.
    app.post(route.path, stats.middleware());
    if (plan) app.post(route.path, plan.middleware());
    app.post(route.path, ingestHandler(deps, route.extract));
  }

  app.notFound((c) => errorResponse(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      return errorResponse(error.status, error.code, error.message, error.headers);
    }
    // The route's pattern, not the path: a path may name a customer (/v1/agent/profiles/{id}).
    const where = `${c.req.method} ${c.req.routePath}`;
    if (isStorageFailure(error)) {
      errors.report('storage unavailable, answered 503', error, where);
      return errorResponse(503, 'storage_unavailable', 'Storage is unavailable; retry later', {
        'Retry-After': String(STORAGE_RETRY_AFTER_S),
      });
    }
    errors.report('unexpected error, answered 500', error, where);
    return errorResponse(500, 'internal_error', 'Internal server error');
  });

  return {
    app,
    faults: plan ?? NO_FAULTS,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    resetRateLimits: () => {
      for (const limiter of Object.values(limiters)) limiter.reset();
    },
    listen: async (port = 0, hostname = '127.0.0.1') => {
      const compaction = await startCompaction(options.store, protocolDeps.now, compactionIntervalMs, errors);
      try {
        const listening = await listen(app, streams, port, hostname);
        const close = () => {
          compaction.stop();
          return listening.close();
        };
        return { ...listening, close };
      } catch (error) {
        compaction.stop();
        throw error;
      }
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`createServer(): ${name} must be > 0, got ${value}`);
  return value;
}

function listen(app: Hono, hub: { endAll(): number }, port: number, hostname: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const actualPort = (server.address() as AddressInfo).port;
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      const close = () => {
        // An open stream is a request that never finishes: end them, or close() would wait on them.
        hub.endAll();
        return closeServer(server);
      };
      resolve({ url: `http://${host}:${actualPort}`, port: actualPort, close });
    });
  });
}

// Stops accepting, lets in-flight requests finish, and does not wait on idle keep-alive sockets.
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    // Connections that finish their response during shutdown (ended streams) only become idle later:
    // sweep them until the server has closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    // A stuck client must not hold shutdown hostage.
    const force = setTimeout(() => server.closeAllConnections(), 2000);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
