// What Omnikit keeps on the device (docs/storage.md), read from a page of the same origin and browser
// context as the client's tabs, and the shapes of what it keeps, to compare the writes of two builds.

/** One IndexedDB database: its version (the stored format) and every entry of every store. */
export interface StoredDatabase {
  version: number;
  stores: Record<string, [key: string, value: unknown][]>;
}

/** Everything the origin keeps: IndexedDB databases by name, localStorage as stored, cookies. */
export interface DeviceStorage {
  databases: Record<string, StoredDatabase>;
  local: Record<string, string>;
  cookies: Record<string, string>;
}

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/**
 * Reads every IndexedDB database, localStorage and the cookies of this page's origin. Each database
 * is opened at the version it is at, read, and closed at once (an open connection would hold up an
 * upgrade or a deletion by the client).
 */
export async function readDevice(): Promise<DeviceStorage> {
  const databases: Record<string, StoredDatabase> = {};
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const db = await request(indexedDB.open(name));
    const stores: StoredDatabase['stores'] = {};
    for (const store of db.objectStoreNames) {
      const s = db.transaction(store).objectStore(store);
      const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
      stores[store] = keys.map((key, i) => [String(key), values[i]]);
    }
    databases[name] = { version: db.version, stores };
    db.close();
  }
  const cookies = Object.fromEntries(
    document.cookie
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), decodeURIComponent(c.slice(c.indexOf('=') + 1))]),
  );
  return { databases, local: { ...localStorage }, cookies };
}

/**
 * Writes `device` into this page's origin, over what is there: each database made at its version
 * with its stores and entries, localStorage keys and cookies set. A profile as another build (or a
 * future one) would have left it.
 */
export async function writeDevice(device: DeviceStorage): Promise<void> {
  for (const [name, { version, stores }] of Object.entries(device.databases)) {
    const open = indexedDB.open(name, version);
    open.onupgradeneeded = () => {
      for (const store of Object.keys(stores))
        if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
    };
    const db = await request(open);
    const tx = db.transaction(Object.keys(stores), 'readwrite');
    for (const [store, entries] of Object.entries(stores))
      for (const [key, value] of entries) tx.objectStore(store).put(value, key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }
  for (const [key, value] of Object.entries(device.local)) localStorage.setItem(key, value);
  for (const [name, value] of Object.entries(device.cookies)) {
    // biome-ignore lint/suspicious/noDocumentCookie: the SDK's own cookies, set the way it sets them.
    document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; SameSite=Lax`;
  }
}

/** The entries of store `kv` of database `name` (empty when there is none). */
export const entriesOf = (device: DeviceStorage, name: string) => device.databases[name]?.stores.kv ?? [];

/** The value stored under `key` in database `name`'s store `kv`. */
export const storedValue = (device: DeviceStorage, name: string, key: string) =>
  entriesOf(device, name).find(([k]) => k === key)?.[1];

/**
 * The shape of a stored value: every property path with the type of its leaf (`event.context.page.url:
 * string`), array items as `[]`, sorted; a property set to undefined is absent, as in JSON (IndexedDB
 * keeps it, localStorage does not). Two builds that write the same keys give the same shape for the
 * same kind of data, whatever the customer's values.
 */
export function shapeOf(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object')
    return [`${path}:${value === null ? 'null' : typeof value}`];
  const items = Array.isArray(value)
    ? value.map((item) => shapeOf(item, `${path}[]`))
    : Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => shapeOf(item, path ? `${path}.${key}` : key));
  return [...new Set(items.flat())].sort();
}

/** Forgets everything the origin keeps (IndexedDB, localStorage, cookies): a browser never used. */
export async function forgetDevice(): Promise<void> {
  for (const { name } of await indexedDB.databases())
    if (name)
      await new Promise((resolve) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = r.onerror = r.onblocked = resolve;
      });
  localStorage.clear();
  for (const c of document.cookie.split('; ').filter(Boolean)) {
    // biome-ignore lint/suspicious/noDocumentCookie: removing cookies, set the same way the SDK sets them.
    document.cookie = `${c.slice(0, c.indexOf('='))}=; Max-Age=0; Path=/`;
  }
}
