import { promisifyRequest } from 'idb-keyval';

/** A small async key-value store: IndexedDB when it works, memory when it does not. */
export interface Kv {
  _get<T>(key: string): Promise<T | undefined>;
  _setMany(items: [string, unknown][]): Promise<void>;
  _delMany(keys: string[]): Promise<void>;
  /** All entries, ordered by key. */
  _entries<T>(): Promise<[string, T][]>;
  /** False once it fell back to memory: then nothing outlives the page or is shared with other tabs. */
  readonly _durable: boolean;
}

const PROBE_TIMEOUT = 2000;

/**
 * Opens IndexedDB database `name`. If IndexedDB is missing, blocked, hangs or fails (private modes,
 * disabled storage, quota), the store switches to memory for the rest of the page's life and calls
 * `onUnavailable` once, so tracking keeps working.
 */
export function openKv(name: string, onUnavailable: (error: unknown) => void): Kv {
  const memory = new Map<string, unknown>();
  let durable = true;
  // As idb-keyval's createStore() (whose primitives only are used: its ready-made helpers would bring a
  // default store and a cursor fallback along), without its retry of a failed open: memory from then on.
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    if (!db) {
      const request = indexedDB.open(name);
      request.onupgradeneeded = () => request.result.createObjectStore('kv');
      // Safari may close the connection: open it again on next use.
      db = promisifyRequest(request).then((d) => {
        d.onclose = () => {
          db = undefined;
        };
        return d;
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
    onIdb: (s: IDBObjectStore) => Promise<T>,
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
        (s) => promisifyRequest(s.get(key)),
        () => memory.get(key) as T | undefined,
      ),
    _setMany: (items) =>
      run(
        'readwrite',
        (s) => {
          for (const [key, value] of items) s.put(value, key);
          return promisifyRequest(s.transaction);
        },
        () => {
          for (const [key, value] of items) memory.set(key, value);
        },
      ),
    _delMany: (keys) =>
      run(
        'readwrite',
        (s) => {
          for (const key of keys) s.delete(key);
          return promisifyRequest(s.transaction);
        },
        () => {
          for (const key of keys) memory.delete(key);
        },
      ),
    _entries: <T>() =>
      run(
        'readonly',
        async (s) => {
          const [keys, values] = await Promise.all([
            promisifyRequest(s.getAllKeys()),
            promisifyRequest(s.getAll()),
          ]);
          return keys.map((key, i) => [key as string, values[i] as T]);
        },
        // Sorted as strings "key,[object Object]": by key, as every key's characters sort after ",".
        () => [...memory].sort() as [string, T][],
      ),
    get _durable() {
      return durable;
    },
  };
}
