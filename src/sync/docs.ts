import type { JsonValue } from '../types.ts';
import type { Docs } from './merge.ts';
import type { SyncDoc, SyncRecord, SyncSource } from './types.ts';

type Listener = (keys: string[], source: SyncSource) => void;
/** Subscribers per document. */
export type Listeners = Map<string, Set<Listener>>;

/** Tells each document's subscribers which of its keys these records changed. */
export function notify(listeners: Listeners, records: SyncRecord[], source: SyncSource): void {
  for (const [doc, set] of listeners) {
    const keys = records.filter((r) => r.doc === doc).map((r) => r.key);
    for (const listener of keys.length ? set : []) {
      try {
        listener(keys, source);
      } catch {
        // A subscriber's failure is its own business.
      }
    }
  }
}

/** Takes the live documents (or only `only`) out of memory; returns their records. */
export function takeOut(docs: Docs, only?: string): SyncRecord[] {
  const out: SyncRecord[] = [];
  for (const [name, doc] of docs)
    if (!only || name === only) {
      out.push(...doc.values());
      docs.delete(name);
    }
  return out;
}

/** The public face of document `name`: reads from memory, writes through `write`. */
export const view = (
  name: string,
  docs: Docs,
  listeners: Listeners,
  write: (doc: string, key: string, value: JsonValue | null, deleted?: true) => void,
  forget: (doc: string) => void,
): SyncDoc => ({
  get(key) {
    const r = docs.get(name)?.get(key);
    return r?.deleted ? undefined : (r?.value as JsonValue);
  },
  entries: () =>
    [...(docs.get(name) ?? [])].flatMap(([key, r]) => (r.deleted ? [] : [[key, r.value as JsonValue]])),
  set: (key, value) => write(name, key, value),
  remove: (key) => write(name, key, null, true),
  forget: () => forget(name),
  subscribe(listener) {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set.add(listener));
    return () => set.delete(listener);
  },
});
