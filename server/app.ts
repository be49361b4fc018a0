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
import { ApiError, errorResponse } from './errors.ts';
import { FaultPlan, type Faults, NO_FAULTS } from './faults.ts';
import { DEFAULT_HANDOFF_TTL_MS } from './handoff.ts';
import { batchOf, ingestHandler } from './ingest.ts';
import { type Limits, ServerLimits } from './limits/index.ts';
import { planReportHandler } from './plan/report.ts';
import { mountProtocolRoutes } from './routes.ts';
import { type Site, SiteDirectory } from './sites.ts';
import { type ServerStats, StatsRecorder } from './stats.ts';
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
  /** Forgets every rate-limit count (tests, between cases); open streams stay counted. */
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
  /**
   * Server-wide limits and quotas over DEFAULT_LIMITS (600 syncs/min per device, 5 MB per profile,
   * ...; docs/protocol.md "Limits"); a site's own `limits` go over these.
   */
  limits?: Partial<Limits>;
  /** Older name of `limits`, still read (`limits` wins where both name one). */
  rateLimits?: Partial<Limits>;
  /**
   * Proxies in front of the server whose X-Forwarded-For is believed (IPs and CIDR ranges, IPv4 and
   * IPv6). Without them the socket peer is the client and the header is ignored.
   */
  trustedProxies?: string[];
  /**
   * The clock (ms) of the sync horizon, tombstone compaction and rate-limit windows (default
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
  const limits = serverLimits(options);
  const deps = { store: options.store, sites, stats, limits };
  const protocolDeps: ProtocolDeps = {
    ...deps,
    hub,
    agents,
    handoffTtlMs: positive(options.handoffTtlMs, DEFAULT_HANDOFF_TTL_MS, 'handoffTtlMs'),
    streamPingMs: positive(options.streamPingMs, DEFAULT_STREAM_PING_MS, 'streamPingMs'),
    now: options.now ?? Date.now,
    catalog: options.catalog ?? siteCatalog,
  };
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
  app.onError((error) => {
    if (error instanceof ApiError) {
      return errorResponse(error.status, error.code, error.message, error.headers);
    }
    console.error('[omnikit] unexpected error', error);
    return errorResponse(500, 'internal_error', 'Internal server error');
  });

  return {
    app,
    faults: plan ?? NO_FAULTS,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    resetRateLimits: () => limits.reset(),
    listen: async (port = 0, hostname = '127.0.0.1') => {
      const compaction = await startCompaction(options.store, protocolDeps.now, compactionIntervalMs);
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

function serverLimits(options: ServerOptions): ServerLimits {
  try {
    return new ServerLimits({
      limits: { ...options.rateLimits, ...options.limits },
      sites: options.sites,
      trustedProxies: options.trustedProxies,
      now: options.now,
    });
  } catch (error) {
    throw new RangeError(`createServer(): ${(error as Error).message}`);
  }
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
