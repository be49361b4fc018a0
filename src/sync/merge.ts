import type { SyncRecord } from './types.ts';

/** Documents in memory: doc name → key → the winning record. */
export type Docs = Map<string, Map<string, SyncRecord>>;

/**
 * Merges records into `docs`, last writer wins per (doc, key) by the larger HLC: commutative and
 * idempotent, so any order and any repetition give the same result. Returns the records that won
 * and the HLCs of the records they replaced.
 */
export function merge(docs: Docs, records: SyncRecord[]): [won: SyncRecord[], gone: string[]] {
  const won: SyncRecord[] = [];
  const gone: string[] = [];
  for (const r of records) {
    const doc = docs.get(r.doc) ?? new Map<string, SyncRecord>();
    const current = doc.get(r.key);
    docs.set(r.doc, doc);
    // HLCs are unique per write, so an equal one is the same record again.
    if (current && current.hlc >= r.hlc) continue;
    doc.set(r.key, r);
    if (current) gone.push(current.hlc);
    won.push(r);
  }
  return [won, gone];
}
