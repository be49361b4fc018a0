// The device's copy of the documents in IndexedDB. Each record is stored under its own HLC, so tabs
// writing at once never overwrite each other (no read-modify-write across tabs): a record replaced
// by a newer one is deleted after, and on load the largest HLC per key wins again.
import { msOfHlc, TOMBSTONE_TTL_MS } from '../protocol/index.ts';
import type { Kv } from '../storage/kv.ts';
import type { Clock } from './hlc.ts';
import { type Docs, merge } from './merge.ts';
import type { SyncRecord } from './types.ts';

/**
 * A stored record; `_pending` is 1 while no sync has confirmed it pushed, `_refused` 1 once the
 * server refused it (it is kept, for the customer to see it was not delivered).
 */
export type Stored = SyncRecord & { _pending?: 0 | 1; _refused?: 1 };

/** Sync state beside the records (its keys pinned in mangle.json, as every stored key). */
export interface Meta {
  /** The device token: a secret, kept in IndexedDB only. */
  _token?: string;
  /** Where the next pull starts. */
  _cursor?: string;
  /** The profile the server puts this device on. */
  _profileId?: string;
  /** Whether that profile is a verified user's. */
  _identified?: boolean;
}

/** The key of the meta entry; record keys are HLCs, which start with a digit. */
export const META = 'm';

/** Every stored record, oldest HLC first (the meta entry has no HLC). */
export const stored = (kv: Kv) =>
  kv._entries<Stored>().then((entries) => entries.map(([, r]) => r).filter((r) => r.hlc));

/** Stores records, then deletes the ones they replaced. */
export const put = (kv: Kv, records: Stored[], gone: string[] = []) =>
  kv._setMany(records.map((r) => [r.hlc, r])).then(() => kv._delMany(gone));

/** Deletes the stored records of one document, or of all. */
export const drop = async (kv: Kv, doc?: string) =>
  kv._delMany((await stored(kv)).filter((r) => !doc || r.doc === doc).map((r) => r.hlc));

/**
 * Loads the stored records into `docs` (the clock moves past them), and deletes the ones replaced
 * and tombstones older than 30 days (by the HLC's time: by then every device has seen them, and the
 * server drops them too). Returns the records loaded.
 */
export async function load(kv: Kv, docs: Docs, clock: Clock): Promise<SyncRecord[]> {
  const records = await stored(kv);
  for (const r of records) clock._receive(r.hlc);
  // Stored in HLC order: every record a newer one replaced shows up in `gone`.
  const [won, gone] = merge(docs, records);
  for (const [, doc] of docs)
    for (const [key, r] of doc)
      if (r.deleted && !(r as Stored)._pending && msOfHlc(r.hlc) < Date.now() - TOMBSTONE_TTL_MS) {
        doc.delete(key);
        gone.push(r.hlc);
      }
  await kv._delMany(gone);
  return won;
}
