import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Limits } from '../limits/index.ts';
import type { RequestLogEntry } from '../request-log.ts';
import type { BatchOutcome, StatsListener } from '../stats.ts';
import { errorKind } from '../store/storage-failure.ts';
import type { WebhookListener } from '../webhooks/worker.ts';
import { webhookMetrics } from './webhook-metrics.ts';

/** createServer's `metrics`, the config file's top-level `metrics`: turns `GET /metrics` on. */
export interface MetricsOptions {
  /**
   * What a scraper sends as `Authorization: Bearer <token>`: a secret of 32+ random bytes, unique,
   * checked like a site's secrets (short or example values only for the demo).
   */
  token: string;
}

/** What the gauges read at scrape time. */
export interface MetricsSources {
  /** Open `GET /v1/stream` connections. */
  deviceStreams: () => number;
  /** Open `GET /v1/agent/stream` connections. */
  agentStreams: () => number;
}

// Only methods the server routes count as themselves: a label value per invented method would let
// any client grow the scrape without bound.
const METHODS = new Set(['GET', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PUT', 'PATCH']);

/**
 * The metrics of one server, on a registry of its own (never prom-client's global one: two servers
 * in one process, as in the tests, must not share counters). Labels are few and bounded: site ids,
 * codes, limit names, route patterns; never a device, profile or user.
 */
export class ServerMetrics implements StatsListener {
  readonly registry = new Registry();
  readonly #events;
  readonly #sync;
  readonly #refusals;
  readonly #databaseErrors;
  readonly #http;
  /** Hears the webhook worker (attempts, queue depth). */
  readonly webhooks: WebhookListener;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.#events = eventMetrics(registers);
    this.#sync = new Histogram({
      name: 'omnikit_sync_duration_seconds',
      help: 'Time to answer POST /v1/sync, in seconds.',
      registers,
    });
    this.#refusals = new Counter({
      name: 'omnikit_limit_refusals_total',
      help: 'Requests refused (429) or typing signals dropped by a rate limit or quota, by limit.',
      labelNames: ['limit'],
      registers,
    });
    this.#databaseErrors = new Counter({
      name: 'omnikit_database_errors_total',
      help: 'Requests answered 503 storage_unavailable (and failed /ready probes) because the database could not serve, by error kind.',
      labelNames: ['kind'],
      registers,
    });
    this.#http = httpMetrics(registers);
    this.webhooks = webhookMetrics(registers);
    new Gauge({
      name: 'omnikit_open_streams',
      help: 'Event streams open now: kind="device" (GET /v1/stream) or kind="agent" (GET /v1/agent/stream).',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'device' }, sources.deviceStreams());
        this.set({ kind: 'agent' }, sources.agentStreams());
      },
    });
    // The process's own (CPU, memory, event loop lag, GC) under their usual names, which
    // dashboards for any Node service expect.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one ingest request's events. */
  batch(outcome: BatchOutcome): void {
    const site = { site: outcome.siteId };
    this.#events.accepted.inc(site, outcome.inserted);
    this.#events.duplicate.inc(site, outcome.duplicates);
    if (outcome.suppressed) this.#events.suppressed.inc(site, outcome.suppressed);
    for (const [code, count] of Object.entries(outcome.rejected)) {
      this.#events.rejected.inc({ ...site, code }, count);
    }
  }

  /** Observes one POST /v1/sync. */
  sync(seconds: number): void {
    this.#sync.observe(seconds);
  }

  /** Counts a refusal by a limit (ServerLimits' `onRefusal`). */
  limitRefused(limit: keyof Limits): void {
    this.#refusals.inc({ limit });
  }

  /** Counts a storage failure answered 503 (by its class and code, never its message). */
  storageFailed(error: unknown): void {
    this.#databaseErrors.inc({ kind: errorKind(error) });
  }

  /** Counts a request as the request log saw it; scrapes of /metrics are not counted. */
  request(entry: RequestLogEntry): void {
    if (entry.route === '/metrics') return;
    const method = METHODS.has(entry.method) ? entry.method : 'other';
    const route = { method, route: entry.route };
    this.#http.requests.inc({ ...route, status: `${Math.floor(entry.status / 100)}xx` });
    this.#http.duration.observe(route, entry.ms / 1000);
  }
}

function eventMetrics(registers: Registry[]) {
  return {
    accepted: new Counter({
      name: 'omnikit_events_accepted_total',
      help: 'Events newly stored, by site.',
      labelNames: ['site'],
      registers,
    }),
    duplicate: new Counter({
      name: 'omnikit_events_duplicate_total',
      help: 'Valid events whose messageId was already stored (a client re-sent them), by site.',
      labelNames: ['site'],
      registers,
    }),
    suppressed: new Counter({
      name: 'omnikit_events_suppressed_total',
      help: 'Valid events dropped, not stored, because their userId was erased with suppression, by site.',
      labelNames: ['site'],
      registers,
    }),
    rejected: new Counter({
      name: 'omnikit_events_rejected_total',
      help: 'Events refused one by one in an accepted request, by site and rejection code.',
      labelNames: ['site', 'code'],
      registers,
    }),
  };
}

function httpMetrics(registers: Registry[]) {
  return {
    requests: new Counter({
      name: 'omnikit_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status class (2xx, 4xx, ...).',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    duration: new Histogram({
      name: 'omnikit_http_request_duration_seconds',
      help: 'Time until the response head was ready (a stream: until it opened), by method and route pattern, in seconds.',
      labelNames: ['method', 'route'],
      registers,
    }),
  };
}
