/** Omnikit's reference backend: public API. */

// The wire contract, shared with the SDK (src/protocol), under the names this module always gave it.
export {
  type ErrorBody,
  type HandoffCreated,
  type HandoffPeek,
  HLC_PATTERN,
  type IdentifyAnswer as IdentifyResult,
  MAX_CLOCK_AHEAD_MS,
  MAX_JSON_DEPTH,
  MAX_LISTED_REJECTIONS,
  MAX_NAME_LENGTH,
  MAX_RECORDS_PER_PUSH,
  MAX_VALUE_BYTES,
  type RegisterAnswer as RegisterResult,
  type RejectedRecord,
  type StreamChanged,
  type SyncAnswer as SyncResult,
  TOMBSTONE_TTL_MS,
} from '../src/protocol/index.ts';
export type { Listening, OmnikitServer, ServerOptions } from './app.ts';
export { createServer } from './app.ts';
export type { Catalog, CatalogEntry, CatalogLookup } from './catalog.ts';
export { loadConfig, loadSites, type ServerConfig } from './config.ts';
export type { HousekeepingOptions, HousekeepingReport } from './housekeeping.ts';
export { DEFAULT_HOUSEKEEPING } from './housekeeping.ts';
export { userHashOf } from './identify.ts';
export {
  addressBucket,
  clientAddress,
  DEFAULT_LIMITS,
  type Limits,
  type Limits as RateLimits,
  type RateLimit,
  type SiteLimits,
  TrustedProxies,
} from './limits/index.ts';
export type { MetricsOptions } from './metrics/index.ts';
export type { ServerMiddleware } from './middleware.ts';
export type { PlanReport } from './plan/report.ts';
export { localRelay } from './relay/local.ts';
export { type PostgresRelayOptions, postgresRelay, RELAY_CHANNEL } from './relay/postgres.ts';
export type { Relay, RelayListener, RelayMessage } from './relay/types.ts';
export type { RequestLogEntry } from './request-log.ts';
export type { RetentionReport } from './retention.ts';
export type { RetentionKind, SiteRetention } from './retention-config.ts';
export type { SecretPolicy } from './secrets.ts';
export { MIN_SECRET_BYTES, UnsafeSecretError } from './secrets.ts';
export type { Site } from './sites.ts';
export type { ServerStats } from './stats.ts';
export type { HousekeepingStore, SweepResult, SweepStep } from './store/housekeeping-types.ts';
export type { PostgresStoreOptions } from './store/postgres.ts';
export { openPostgresStore } from './store/postgres.ts';
export type { DocumentKind, RetentionStore } from './store/retention-types.ts';
export type { SqliteStore, SqliteStoreOptions } from './store/sqlite.ts';
export { openSqliteStore } from './store/sqlite.ts';
export type {
  ClaimResult,
  CompactionResult,
  Correction,
  Device,
  DeviceStore,
  DocumentStore,
  Handoff,
  HandoffStore,
  LinkResult,
  MergeResult,
  NewDevice,
  OverQuota,
  ProfileQuota,
  ProfileUsage,
  RecordPage,
  SyncRecord,
} from './store/sync-types.ts';
export type {
  EventFilter,
  EventLog,
  EventPage,
  EventStore,
  PlanReportRow,
  PlanViolation,
  Store,
  StoredEvent,
  ViolationStore,
} from './store/types.ts';
export type {
  Delivery,
  DeliveryFilter,
  DeliveryStatus,
  WebhookStore,
} from './store/webhook-types.ts';
export { checkJson, isStorableText } from './values/index.ts';
export {
  DEFAULT_TOLERANCE_SECONDS,
  DEFAULT_WEBHOOK_OPTIONS,
  SIGNATURE_HEADER,
  signWebhook,
  type VerifyOptions,
  verifyWebhook,
  type Webhook,
  type WebhookEventType,
  type WebhookOptions,
} from './webhooks/index.ts';
