// Rows as both stores (SQLite and PostgreSQL) read them back, and what each row becomes: the SQL
// differs per database, what a row means does not. Events have their own file (event-row.ts).
import type { DeviceSummary } from './agent-types.ts';
import type { Device, SyncRecord } from './sync-types.ts';

/** Every table but `counters`: sequence numbers must keep growing across a reset (see Store.reset). */
export const DATA_TABLES = [
  'events',
  'devices',
  'profiles',
  'records',
  'handoffs',
  'compactions',
  'plan_violations',
  'erased_tokens',
  'erasure_suppressions',
  'erasure_receipts',
  'consent_receipts',
  'webhook_deliveries',
  'staff_sessions',
];

/** A record row; `deleted` is 0/1 in SQLite, a boolean in PostgreSQL. */
export interface RecordRow {
  doc: string;
  key: string;
  value: string;
  hlc: string;
  deleted: number | boolean;
}

// A tombstone keeps no value, whatever the client sent along.
export function storedValue(record: SyncRecord): string {
  return record.deleted ? 'null' : JSON.stringify(record.value ?? null);
}

/** A merged record as a pull would read it back (a tombstone's value null), without the round trip. */
export function asStored(record: SyncRecord): SyncRecord {
  const deleted = Boolean(record.deleted);
  return {
    doc: record.doc,
    key: record.key,
    value: deleted ? null : (record.value ?? null),
    hlc: record.hlc,
    deleted,
  };
}

export function toRecord(row: RecordRow): SyncRecord {
  return {
    doc: row.doc,
    key: row.key,
    value: JSON.parse(row.value) as unknown,
    hlc: row.hlc,
    deleted: Boolean(row.deleted),
  };
}

/** A device joined with its profile's user. */
export interface DeviceRow {
  id: string;
  site_id: string;
  profile_id: string;
  anonymous_id: string;
  user_id: string | null;
}

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    siteId: row.site_id,
    profileId: row.profile_id,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
  };
}

/** A device as the agent's profile view lists it. */
export interface DeviceSummaryRow {
  id: string;
  anonymous_id: string;
  created_at: string;
  revoked_at: string | null;
}

export const toDeviceSummary = (row: DeviceSummaryRow): DeviceSummary => ({
  deviceId: row.id,
  anonymousId: row.anonymous_id,
  createdAt: row.created_at,
  revoked: row.revoked_at !== null,
});
