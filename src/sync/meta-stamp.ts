import { randomId } from '../core/id.ts';
import { local } from '../storage/local.ts';

/** Whether this tab's copy of the sync meta is the stored one, without reading IndexedDB. */
export interface MetaStamp {
  /** Whether the stamp is still the one this tab last read or wrote (never, without localStorage). */
  _fresh(): boolean;
  /** Notes the stamp as it is now: call it right before reading the meta from the store. */
  _read(): void;
  /** Writes a new stamp: call it right before storing the meta. */
  _renew(): void;
}

/**
 * The sync meta's stamp, in localStorage `omnikit-meta:<writeKey>`: every tab that stores the meta
 * (under the sync lock) stamps it anew first, so a tab whose stamp did not change holds the meta as
 * stored and need not read it again. That read queues in IndexedDB behind the record writes before
 * it: a change's push would wait for the change's own store write. Stamped before the meta is
 * stored, so a page dying in between leaves the others reading the store, never a stale copy.
 */
export function createMetaStamp(writeKey: string): MetaStamp {
  const key = `omnikit-meta:${writeKey}`;
  let seen: string | undefined;
  return {
    _fresh: () => seen !== undefined && local.get(key) === seen,
    _read() {
      seen = local.get(key);
    },
    _renew() {
      seen = randomId();
      local.set(key, seen);
    },
  };
}
