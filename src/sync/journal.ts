import { local } from '../storage/local.ts';
import type { SyncRecord } from './types.ts';

/** Reads the journal and writes it back: `keep` filters it, `add` appends to it. Returns what it held. */
export type Journal = (keep?: (record: SyncRecord) => unknown, add?: SyncRecord[]) => SyncRecord[];

/** A record as the journal writes them; anything else under its key was left by someone else. */
const isRecord = (r: Partial<SyncRecord> | null): r is SyncRecord =>
  typeof r?.doc === 'string' && typeof r.key === 'string' && typeof r.hlc === 'string';

/**
 * Local writes not in IndexedDB yet, kept in localStorage (synchronous, through `local`: a newer
 * format there is left alone), so that a navigation right after a change cannot lose it; folded
 * into IndexedDB on the next start. Every call writes it back, so what is not a record (a value
 * tampered with, or left by another script) is dropped at the first call and never blocks it.
 */
export function createJournal(writeKey: string): Journal {
  const key = `omnikit-journal:${writeKey}`;
  return (keep = Boolean, add = []) => {
    const held: unknown = local.get(key);
    const records = Array.isArray(held) ? held.filter(isRecord) : [];
    local.set(key, [...records.filter(keep), ...add]);
    return records;
  };
}
