// A profile's usage against its quota, worked out the same way by both stores: they read the usage
// and the stored (hlc, bytes) of the pushed keys in SQL, and this decides.
import { storedValue } from './rows.ts';
import type { OverQuota, ProfileQuota, ProfileUsage, SyncRecord } from './sync-types.ts';

/**
 * The SQL of a stored record's bytes: UTF-8 doc name + key + JSON value, as `recordBytes` counts
 * them. octet_length exists in both SQLite (3.43+) and PostgreSQL.
 */
export const RECORD_BYTES_SQL = 'octet_length(doc) + octet_length(key) + octet_length(value)';

/** The bytes a record takes once stored (a tombstone keeps only `null`). */
export function recordBytes(record: SyncRecord): number {
  return (
    Buffer.byteLength(record.doc, 'utf8') +
    Buffer.byteLength(record.key, 'utf8') +
    Buffer.byteLength(storedValue(record), 'utf8')
  );
}

/** A stored record's hlc and bytes. */
export interface StoredSize {
  hlc: string;
  bytes: number;
}

/** The key of a record in a map of `StoredSize`s. */
export function recordId(record: { doc: string; key: string }): string {
  return JSON.stringify([record.doc, record.key]);
}

/**
 * Whether merging `records` (in push order, by the merge rule) into a profile holding `usage`, with
 * `stored` the sizes of the pushed keys already there, would grow it past `quota`. Only growth is
 * refused: a profile already past its quota (merged at sign-in, a lowered quota) may still shrink.
 */
export function overQuota(
  usage: ProfileUsage,
  records: SyncRecord[],
  stored: ReadonlyMap<string, StoredSize>,
  quota: ProfileQuota,
): OverQuota | null {
  const sizes = new Map(stored);
  const growth = { records: 0, bytes: 0 };
  for (const record of records) {
    const id = recordId(record);
    const before = sizes.get(id);
    if (before && record.hlc <= before.hlc) continue;
    const bytes = recordBytes(record);
    if (!before) growth.records += 1;
    growth.bytes += bytes - (before?.bytes ?? 0);
    sizes.set(id, { hlc: record.hlc, bytes });
  }
  const after = { records: usage.records + growth.records, bytes: usage.bytes + growth.bytes };
  if (growth.records > 0 && after.records > quota.records) return { limit: 'records', usage: after };
  if (growth.bytes > 0 && after.bytes > quota.bytes) return { limit: 'bytes', usage: after };
  return null;
}
