/**
 * The storage port of the reference backend: events here, devices, documents and handoffs in
 * sync-types.ts. SQLite (sqlite.ts) and PostgreSQL (postgres.ts) implement it; every method is async
 * for PostgreSQL's sake, even though SQLite is not.
 */
import type { Relay } from '../relay/types.ts';
import type { AgentStore } from './agent-types.ts';
import type { ConsentStore } from './consent-types.ts';
import type { ErasureStore } from './erasure-types.ts';
import type { EventLog, PlanViolation } from './event-types.ts';
import type { HousekeepingStore } from './housekeeping-types.ts';
import type { RetentionStore } from './retention-types.ts';
import type { StaffSessionStore } from './staff-session-types.ts';
import type { DeviceStore, DocumentStore, HandoffStore } from './sync-types.ts';
import type { WebhookStore } from './webhook-types.ts';

export type {
  EventCredential,
  EventFilter,
  EventLog,
  EventPage,
  InsertEventsOptions,
  PlanViolation,
  StoredEvent,
} from './event-types.ts';

/** Everything the server keeps, behind one port. */
export interface Store
  extends EventLog,
    DeviceStore,
    DocumentStore,
    HandoffStore,
    AgentStore,
    ViolationStore,
    HousekeepingStore,
    ErasureStore,
    RetentionStore,
    ConsentStore,
    WebhookStore,
    StaffSessionStore {
  /** Deletes everything (tests). Sequence numbers keep growing, so no old cursor can skip new records. */
  reset(): Promise<void>;
  /** Resolves once the database answers a read of its schema; rejects as a failing query would. */
  ping(): Promise<void>;
  /** Releases the database (and the relay, if one was started); safe to call twice. */
  close(): Promise<void>;
  /**
   * The fan-out of live stream messages between the server processes sharing this store's database
   * (PostgreSQL: LISTEN/NOTIFY), started on the first call, the same one on every later call. Absent
   * where one process owns the data (SQLite): createServer then applies them in its process only.
   */
  relay?(): Relay;
}

/** The name `Store` had when it only held events; kept so existing callers compile. */
export type EventStore = Store;

/** Default page size of `listEvents`, so an unfiltered call on a large store stays cheap. */
export const DEFAULT_LIST_LIMIT = 1000;

/** One line of the plan report: how often `kind` happened at `path` of `event`, with a few examples. */
export interface PlanReportRow {
  event: string;
  path: string;
  kind: string;
  count: number;
  /** When the last one was recorded (server clock, ISO 8601). */
  lastSeen: string;
  examples: { messageId: string; message: string }[];
}

/** Where plan violations are kept, per event and property. Recording one twice (a re-sent event) counts it once. */
export interface ViolationStore {
  insertViolations(siteId: string, violations: PlanViolation[]): Promise<void>;
  /** Counts of one site, most frequent first, each with up to `examples` (default 3) recent examples. */
  planReport(siteId: string, options?: { examples?: number }): Promise<PlanReportRow[]>;
}
