import type { JsonValue } from '../protocol/events.ts';
import type { Listeners } from './docs.ts';
import type { Docs } from './merge.ts';
import type { Stored } from './store.ts';
import type { SyncDoc } from './types.ts';

/** Writes a key of a document (a removal with `deleted`); false when refused (and reported). */
export type WriteKey = (doc: string, key: string, value: JsonValue | null, deleted?: true) => boolean;

/** The public face of document `name`: reads from memory, writes through `write`, forgets through `forget`. */
export const createDocView = (
  name: string,
  docs: Docs,
  listeners: Listeners,
  write: WriteKey,
  forget: (doc: string) => void,
): SyncDoc => ({
  get(key) {
    const record = docs.get(name)?.get(key);
    return record?.deleted ? undefined : (record?.value as JsonValue);
  },
  entries: () =>
    [...(docs.get(name) ?? [])].flatMap(([key, record]) =>
      record.deleted ? [] : [[key, record.value as JsonValue]],
    ),
  status(key) {
    const record: Stored | undefined = docs.get(name)?.get(key);
    if (record && !record.deleted)
      return record._pending ? 'pending' : record._refused ? 'refused' : 'stored';
  },
  set: (key, value) => write(name, key, value),
  remove: (key) => write(name, key, null, true),
  forget: () => forget(name),
  subscribe: (listener) => listeners.on(name, (change) => listener(...change)),
});
