import { local } from '../storage/local.ts';
import type { SyncRecord } from './types.ts';

/** Reads the journal and writes it back: `keep` filters it, `add` appends to it. Returns what it held. */
export type Journal = (keep?: (record: SyncRecord) => unknown, add?: SyncRecord[]) => SyncRecord[];

/**
 * Local writes not in IndexedDB yet, kept in localStorage (synchronous, through `local`: a newer
 * format there is left alone), so that a navigation right after a change cannot lose it; folded
 * into IndexedDB on the next start. Every call writes it back.
 */
export function createJournal(writeKey: string): Journal {
  const key = `omnikit-journal:${writeKey}`;
  return (keep = Boolean, add = []) => {
    try {
      const records: SyncRecord[] = local.get(key) ?? [];
      local.set(key, [...records.filter(keep), ...add]);
      return records;
    } catch {
      return []; // not a list (tampered): written over at the next write
    }
  };
}
