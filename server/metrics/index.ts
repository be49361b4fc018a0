// The server's Prometheus metrics: what it counts (events, syncs, streams, refusals, database
// failures, requests) on a registry of its own, and `GET /metrics`, served only with its token.
export { metricsHandler } from './route.ts';
export { type MetricsOptions, type MetricsSources, ServerMetrics } from './server-metrics.ts';
