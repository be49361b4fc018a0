import { promisifyRequest } from 'idb-keyval';
import { openFormatted } from './format.ts';

/** A small async key-value store: IndexedDB when it works, memory when it does not. */
export interface Kv {
  _get<T>(key: string): Promise<T | undefined>;
  _setMany(items: [string, unknown][]): Promise<void>;
  _delMany(keys: string[]): Promise<void>;
  /** All entries, ordered by key. */
  _entries<T>(): Promise<[string, T][]>;
  /** False once it fell back to memory: then nothing outlives the page or is shared with other tabs. */
  _durable(): boolean;
}

const PROBE_TIMEOUT = 2000;

/** Deletes every entry of `kv` (consent withdrawn): what it held leaves the device. */
export const emptyKv = (kv: Kv): Promise<void> =>
  kv._entries().then((entries) => kv._delMany(entries.map(([key]) => key)));

/**
 * Opens IndexedDB database `name`, in the stored format (format.ts). If IndexedDB is missing, blocked,
 * hangs or fails (private modes, disabled storage, quota), or holds a newer format, the store switches
 * to memory for the rest of the page's life and calls `onUnavailable` once, so tracking keeps working.
 */
export function openKv(name: string, onUnavailable: (error: unknown) => void): Kv {
  const memory = new Map<string, unknown>();
  let durable = true;
  // As idb-keyval's createStore() (whose primitives only are used: its ready-made helpers would bring a
  // default store and a cursor fallback along), without its retry of a failed open: memory from then on.
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    if (!db) {
      db = promisifyRequest(openFormatted(name)).then((database) => {
        // Safari may close the connection: open it again on next use.
        database.onclose = () => {
          db = undefined;
        };
        // A newer script upgrades the database (or it is deleted): step aside, and run in memory.
        database.onversionchange = () => database.close();
        return database;
      });
    }
    return db;
  };
  const fallBack = (error: unknown) => {
    if (!durable) return;
    durable = false;
    onUnavailable(error);
  };
  // The first use: it throws when IndexedDB is missing or disabled, fails or hangs when it is broken.
  // (A throw in the executor, as when IndexedDB is missing, rejects the promise.)
  const opened = new Promise((resolve, reject) => {
    setTimeout(reject, PROBE_TIMEOUT, new Error('IndexedDB open timed out'));
    open().then(resolve, reject);
  }).catch(fallBack);

  /** `onIdb` in a transaction on the store while IndexedDB works, else `onMemory`. */
  const run = async <T>(
    mode: IDBTransactionMode,
    onIdb: (store: IDBObjectStore) => Promise<T>,
    onMemory: () => T,
  ): Promise<T> => {
    await opened;
    if (durable) {
      try {
        return await onIdb((await open()).transaction('kv', mode).objectStore('kv'));
      } catch (error) {
        fallBack(error);
      }
    }
    return onMemory();
  };

  return {
    _get: <T>(key: string) =>
      run(
        'readonly',
        (store) => promisifyRequest(store.get(key)),
        () => memory.get(key) as T | undefined,
      ),
    _setMany: (items) =>
      run(
        'readwrite',
        (store) => {
          for (const [key, value] of items) store.put(value, key);
          return promisifyRequest(store.transaction);
        },
        () => {
          for (const [key, value] of items) memory.set(key, value);
        },
      ),
    _delMany: (keys) =>
      run(
        'readwrite',
        (store) => {
          for (const key of keys) store.delete(key);
          return promisifyRequest(store.transaction);
        },
        () => {
          for (const key of keys) memory.delete(key);
        },
      ),
    _entries: <T>() =>
      run(
        'readonly',
        async (store) => {
          const [keys, values] = await Promise.all([
            promisifyRequest(store.getAllKeys()),
            promisifyRequest(store.getAll()),
          ]);
          return keys.map((key, index) => [key as string, values[index] as T]);
        },
        // Sorted as strings "key,[object Object]": by key, as every key's characters sort after ",".
        () => [...memory].sort() as [string, T][],
      ),
    _durable: () => durable,
  };
}
