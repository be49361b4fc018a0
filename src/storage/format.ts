// The format of what the SDK keeps on the device (every key and shape: docs/storage.md), and the
// ordered path to it from each older format.
//
// IndexedDB: a database's own version number is its format. Opening it at FORMAT runs the missing
// steps inside IndexedDB's upgrade transaction, which no tab can read or write meanwhile, before
// anything reads it. Databases from before formats existed are at version 1, as IndexedDB made them:
// format 1. A database at a newer format fails to open (VersionError): the page runs in memory
// (`storage_unavailable`) and leaves it alone.
// localStorage: its format is under LOCAL_FORMAT (none: format 1), written with the SDK's first write
// there, so a page waiting for consent writes nothing. A newer format there is left alone too.

import { attempt } from '../core/env.ts';

/** One step from the format before it. */
export interface Migration {
  /**
   * Brings the store of database `name` to this step's format, in the upgrade transaction: only
   * requests on that transaction, awaited in turn. A rejection aborts the upgrade: the database stays
   * as it was, and the page runs in memory.
   */
  idb?(store: IDBObjectStore, name: string): Promise<unknown> | undefined;
  /**
   * Brings localStorage to this step's format. Two tabs may run it at once, and a tab of an older
   * script may still write the old keys: write new keys from the old ones, and stay idempotent.
   */
  local?(): void;
}

/** In order: the first step takes format 1 to 2, and so on. None yet: today's format is the first. */
export const MIGRATIONS: Migration[] = [];

/** The format this code reads and writes: 1, and one more per step. */
export const FORMAT = MIGRATIONS.length + 1;

/** The localStorage key of localStorage's format. */
export const LOCAL_FORMAT = 'omnikit:format';

/**
 * Opens IndexedDB database `name` at the format `steps` lead to: a new one is made at format 1 (one
 * store, `kv`) and taken through every step like any other; an older one through the steps it missed.
 */
export function openFormatted(name: string, steps = MIGRATIONS): IDBOpenDBRequest {
  const request = indexedDB.open(name, steps.length + 1);
  request.onupgradeneeded = async ({ oldVersion }) => {
    const upgrade = request.transaction!;
    try {
      const store = oldVersion ? upgrade.objectStore('kv') : request.result.createObjectStore('kv');
      for (const step of steps.slice(Math.max(oldVersion, 1) - 1)) await step.idb?.(store, name);
    } catch {
      // (A failed request has aborted it already: abort() then throws.)
      attempt(() => upgrade.abort());
    }
  };
  return request;
}

/**
 * Takes localStorage through the steps it missed; false when a newer script's format is there, which
 * this code must neither read nor write. Throws when localStorage is blocked.
 */
export function upgradeLocal(steps = MIGRATIONS): boolean {
  // No stamp (or a broken one): format 1.
  const found = Math.max(Number(localStorage.getItem(LOCAL_FORMAT)) || 1, 1);
  if (found > steps.length + 1) return false;
  for (const step of steps.slice(found - 1)) step.local?.();
  return true;
}
