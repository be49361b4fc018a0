import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { AgentHub } from './agent/hub.ts';
import { type CatalogLookup, siteCatalog } from './catalog.ts';
import { COMPAT_ROUTES, type IngestRoute, ignoreMetricsHandler, METRICS_PATHS } from './compat.ts';
import { mountConsole } from './console/routes.ts';
import { checkSitesStaff } from './console/staff-config.ts';
import { cors } from './cors.ts';
import type { ProtocolDeps } from './deps.ts';
import { ErrorLog } from './error-log.ts';
import { ApiError, errorResponse, storageUnavailable } from './errors.ts';
import { eventReaderHandler } from './event-reader.ts';
import { DEFAULT_HANDOFF_TTL_MS } from './handoff.ts';
import {
  DEFAULT_HOUSEKEEPING,
  type HousekeepingOptions,
  type HousekeepingReport,
  startHousekeeping,
} from './housekeeping.ts';
import { batchOf, type IngestDeps, ingestHandler } from './ingest.ts';
import { type Limits, ServerLimits } from './limits/index.ts';
import { type MetricsOptions, metricsHandler, ServerMetrics } from './metrics/index.ts';
import type { ServerMiddleware } from './middleware.ts';
import { planReportHandler } from './plan/report.ts';
import { mountProbes } from './probes.ts';
import { logRefusedOrigins } from './refused-origins.ts';
import { localRelay } from './relay/local.ts';
import type { Relay } from './relay/types.ts';
import { type RequestLogEntry, requestLog } from './request-log.ts';
import { checkSitesRetention } from './retention-config.ts';
import { mountProtocolRoutes } from './routes.ts';
import { checkServerSecret, checkSiteKeys, UnsafeSecretError } from './secrets.ts';
import { type Site, SiteDirectory } from './sites.ts';
import { type ServerStats, StatsRecorder } from './stats.ts';
import { isStorageFailure } from './store/storage-failure.ts';
import type { Store } from './store/types.ts';
import { mountStoreRoutes } from './store-codes/routes.ts';
import { DEFAULT_STREAM_PING_MS } from './stream.ts';
import { StreamHub } from './stream-hub.ts';
import { checkSitesWebhooks } from './webhooks/config.ts';
import { type WebhookOptions, Webhooks, webhookOptions } from './webhooks/index.ts';
import { listDeliveriesHandler, retryDeliveryHandler } from './webhooks/routes.ts';

/** A running HTTP listener. */
export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The reference backend: a Hono app plus the test hooks around it. */
export interface OmnikitServer {
  app: Hono;
  stats(): ServerStats;
  resetStats(): void;
  /** Forgets every rate-limit count (tests, between cases); open streams stay counted. */
  resetRateLimits(): void;
  /**
   * Cuts every open event stream (device and agent) abruptly, as a proxy or a network change would;
   * returns how many there were. The clients reconnect and catch up.
   */
  cutStreams(): number;
  /**
   * Runs the housekeeping (tombstones, ended handoffs, revoked devices, empty anonymous profiles), then
   * listens on `port` (default 0 = a random free port) and `hostname` (default 127.0.0.1), running it
   * again every `housekeeping.intervalMs`. Its `close()` stops that and first ends every open event
   * stream cleanly, so shutdown never waits on one.
   */
  listen(port?: number, hostname?: string): Promise<Listening>;
  /**
   * Serves these sites from now on, without a restart (a config reloaded: origins, keys, plans,
   * catalogs, a site's limits). Checked first as at start (`demo` as given then); throws and changes
   * nothing when they are wrong.
   */
  reloadSites(sites: Site[]): void;
}

/** Options of `createServer`. */
export interface ServerOptions {
  store: Store;
  /** The sites; their secrets must be 32+ random bytes and every key unique (see `demo`). */
  sites: Site[];
  /**
   * The local demo only: accepts the example secrets Omnikit ships and secrets shorter than 32 bytes
   * (keys must still be unique). Never for a server anyone else can reach.
   */
  demo?: boolean;
  /**
   * Middleware installed around the routes, in order (see ServerMiddleware): none by default. The test
   * backends install fault injection this way (`createServerWithFaults`, server/faults.ts).
   */
  middleware?: ServerMiddleware[];
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
   * The clock (ms) of the sync horizon, the housekeeping, rate-limit windows and the error log's rate
   * limit (default `Date.now`; tests pin it).
   */
  now?: () => number;
  /** How often and how the listening server cleans up after itself (see HousekeepingOptions). */
  housekeeping?: Partial<HousekeepingOptions>;
  /** Hears what each housekeeping run deleted (default: one log line when it deleted something). */
  onHousekeeping?: (removed: HousekeepingReport) => void;
  /**
   * Hears each request refused because no site allows its origin (default: one log line per origin,
   * for the first 1,000 origins).
   */
  onRefusedOrigin?: (origin: string) => void;
  /**
   * Hears one entry per request (id, method, route pattern, status, ms, site), never a header, query
   * or body (default: none; the CLI logs them as JSON lines with pino).
   */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Serves Prometheus metrics at `GET /metrics` to a scraper sending `Authorization: Bearer <token>`
   * (default: off, and /metrics answers 404). The token is checked like a site's secrets.
   */
  metrics?: MetricsOptions;
  /**
   * How the live streams of several server processes sharing one database hear each other (pushes,
   * typing, revoked and linked devices). Default: the store's own (`openPostgresStore` relays through
   * PostgreSQL LISTEN/NOTIFY), else this process only (SQLite). Whoever opened it closes it (the
   * store's closes with the store).
   */
  relay?: Relay;
  /**
   * How webhook deliveries are sent and retried (see WebhookOptions: poll interval, batch, requests
   * in flight, timeout, lease, backoff, retry horizon). Sites' `webhooks` say where to. Events are
   * queued by any mounted `app`; the listening server sends them (as it runs the housekeeping).
   */
  webhooks?: Partial<WebhookOptions>;
  /** @deprecated The same as `housekeeping.intervalMs`. */
  compactionIntervalMs?: number;
  /**
   * Current prices of cart lines, e.g. from the shop's own pricing API; replaces every site's
   * `catalog` from the config (see CatalogLookup).
   */
  catalog?: CatalogLookup;
}

/** Builds the backend; mount `app` anywhere (e.g. `getRequestListener(app.fetch)`) or call `listen()`. */
export function createServer(options: ServerOptions): OmnikitServer {
  checkKeys(options.sites, options, 'createServer()');
  checkSitesRetention(options.sites);
  const sites = new SiteDirectory(options.sites);
  const relay = options.relay ?? options.store.relay?.() ?? localRelay();
  const hub = new StreamHub(relay);
  const agents = new AgentHub(relay);
  const metrics = options.metrics
    ? new ServerMetrics({ deviceStreams: () => hub.size, agentStreams: () => agents.size })
    : undefined;
  // Both kinds of stream: shutdown ends them all, cutStreams() cuts them all.
  const streams = {
    endAll: () => hub.endAll() + agents.endAll(),
    cutAll: () => hub.cutAll() + agents.cutAll(),
  };
  const stats = new StatsRecorder(() => hub.size, metrics);
  const installed = options.middleware ?? [];
  const beforeHandlers = installed.flatMap((m) => (m.route ? [m.route] : []));
  const limits = serverLimits(options, metrics);
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
  const housekeeping = housekeepingOptions(options);
  const errors = new ErrorLog({ now: protocolDeps.now });
  const webhooks = new Webhooks(
    options.store,
    sites,
    webhookOptions(options.webhooks),
    protocolDeps.now,
    errors,
    metrics?.webhooks,
  );

  const app = new Hono();
  // First: every request is logged and counted, refusals and injected faults included.
  const onRequest = requestListener(options.onRequest, metrics);
  if (onRequest) app.use('*', requestLog(onRequest));
  for (const { request } of installed) if (request) app.use('*', request);
  // Before CORS: a scraper is not a browser, and the sites' origins say nothing about it.
  if (metrics && options.metrics) app.get('/metrics', metricsHandler(metrics, options.metrics.token));
  // Before every other middleware and route: an origin no site allows reaches none of them.
  app.use('*', cors(sites, options.onRefusedOrigin ?? logRefusedOrigins()));
  mountProbes(app, options.store, errors, (error) => metrics?.storageFailed(error));
  // Before the event routes: /v1/identify is both (see mountProtocolRoutes).
  mountProtocolRoutes(app, protocolDeps, beforeHandlers);
  mountConsole(app, protocolDeps, beforeHandlers);
  for (const step of [...beforeHandlers, planReportHandler(deps)]) app.get('/v1/plan/report', step);
  for (const step of [...beforeHandlers, eventReaderHandler(deps)]) app.get('/v1/events', step);

  mountWebhookRoutes(app, { ...protocolDeps, webhooks }, beforeHandlers);
  mountStoreRoutes(app, { ...protocolDeps, webhooks }, beforeHandlers);

  mountIngestRoutes(app, { ...deps, webhooks }, [stats.middleware(), ...beforeHandlers]);

  answerErrors(app, errors, metrics);

  return {
    app,
    reloadSites(next) {
      checkKeys(next, options, 'reloadSites()');
      checkSitesRetention(next);
      limits.replaceSites(next);
      sites.replace(next);
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    resetRateLimits: () => limits.reset(),
    cutStreams: () => streams.cutAll(),
    listen: async (port = 0, hostname = '127.0.0.1') => {
      // Streams opened before the relay hears the other processes could miss their messages.
      await relay.ready();
      webhooks.start();
      const housekeeper = await startHousekeeping(
        options.store,
        protocolDeps.now,
        housekeeping,
        errors,
        options.onHousekeeping,
        () => sites.all(),
      );
      // Webhooks stop with the housekeeping: both are the server's background work.
      const background = {
        stop: async () => {
          await Promise.all([housekeeper.stop(), webhooks.stop()]);
        },
      };
      return listenWithHousekeeper(app, streams, background, port, hostname);
    },
  };
}

/**
 * The event routes: Omnikit's /v1/batch and the Segment and RudderStack ones, each behind `before`
 * (the stats and the installed middleware: only POSTs pass them, cors() answers preflights), and the
 * SDKs' metrics endpoints, acknowledged and ignored.
 */
function mountIngestRoutes(app: Hono, deps: IngestDeps, before: MiddlewareHandler[]): void {
  const routes: IngestRoute[] = [{ path: '/v1/batch', extract: batchOf }, ...COMPAT_ROUTES];
  for (const route of routes) {
    for (const step of [...before, ingestHandler(deps, route.extract)]) app.post(route.path, step);
  }
  for (const path of METRICS_PATHS) app.post(path, ignoreMetricsHandler);
}

// Housekeeping stops with the server, or at once when listening fails.
async function listenWithHousekeeper(
  app: Hono,
  streams: { endAll(): number },
  housekeeper: { stop(): Promise<void> },
  port: number,
  hostname: string,
): Promise<Listening> {
  try {
    const listening = await listen(app, streams, port, hostname);
    const close = async () => {
      await housekeeper.stop();
      return listening.close();
    };
    return { ...listening, close };
  } catch (error) {
    await housekeeper.stop();
    throw error;
  }
}

// The webhook delivery list and retry (server key), each after the installed middleware.
function mountWebhookRoutes(
  app: Hono,
  deps: ProtocolDeps & { webhooks: Webhooks },
  beforeHandlers: MiddlewareHandler[],
): void {
  const routeDeps = {
    store: deps.store,
    sites: deps.sites,
    now: deps.now,
    webhooks: deps.webhooks.options,
    nudge: () => deps.webhooks.nudge(),
  };
  for (const step of [...beforeHandlers, listDeliveriesHandler(routeDeps)]) {
    app.get('/v1/webhooks/deliveries', step);
  }
  for (const step of [...beforeHandlers, retryDeliveryHandler(routeDeps)]) {
    app.post('/v1/webhooks/deliveries/:id/retry', step);
  }
}

// Errors as `{ error: { code, message } }`: 404 for no route, 503 while storage fails, 500 else.
function answerErrors(app: Hono, errors: ErrorLog, metrics: ServerMetrics | undefined): void {
  app.notFound((context) =>
    errorResponse(404, 'not_found', `No route for ${context.req.method} ${context.req.path}`),
  );
  app.onError((error, context) => {
    if (error instanceof ApiError) {
      return errorResponse(error.status, error.code, error.message, error.headers);
    }
    // The route's pattern, not the path: a path may name a customer (/v1/agent/profiles/{id}).
    const where = `${context.req.method} ${context.req.routePath}`;
    if (isStorageFailure(error)) {
      metrics?.storageFailed(error);
      errors.report('storage unavailable, answered 503', error, where);
      return storageUnavailable('Storage is unavailable; retry later');
    }
    errors.report('unexpected error, answered 500', error, where);
    return errorResponse(500, 'internal_error', 'Internal server error');
  });
}

// Every site key, and the metrics token against them, as the config loader checks them.
function checkKeys(sites: readonly Site[], options: ServerOptions, caller: string): void {
  const policy = { demo: options.demo === true };
  try {
    checkSiteKeys(sites, policy);
    checkSitesWebhooks(sites, policy);
    checkSitesStaff(sites, policy);
    if (options.metrics) checkServerSecret(options.metrics.token, 'metrics.token', sites, policy);
  } catch (error) {
    throw new UnsafeSecretError(`${caller}: ${(error as Error).message}`, { cause: error });
  }
}

// The caller's request log and the metrics both hear each request's entry; neither: no middleware.
function requestListener(
  log: ((entry: RequestLogEntry) => void) | undefined,
  metrics: ServerMetrics | undefined,
): ((entry: RequestLogEntry) => void) | undefined {
  if (!metrics) return log;
  return (entry) => {
    metrics.request(entry);
    log?.(entry);
  };
}

function housekeepingOptions(options: ServerOptions): HousekeepingOptions {
  const given = { intervalMs: options.compactionIntervalMs, ...options.housekeeping };
  const result = { ...DEFAULT_HOUSEKEEPING };
  for (const name of Object.keys(result) as (keyof HousekeepingOptions)[]) {
    result[name] = positive(given[name], DEFAULT_HOUSEKEEPING[name], `housekeeping.${name}`);
  }
  for (const name of ['batchSize', 'batchesPerRun'] as const) {
    if (!Number.isInteger(result[name])) {
      throw new RangeError(`createServer(): housekeeping.${name} must be an integer, got ${result[name]}`);
    }
  }
  return result;
}

function serverLimits(options: ServerOptions, metrics: ServerMetrics | undefined): ServerLimits {
  try {
    return new ServerLimits({
      limits: { ...options.rateLimits, ...options.limits },
      sites: options.sites,
      trustedProxies: options.trustedProxies,
      now: options.now,
      onRefusal: metrics && ((limit) => metrics.limitRefused(limit)),
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
