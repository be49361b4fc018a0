import type { Emitter } from '../core/emitter.ts';
import type { Docs } from './merge.ts';
import type { SyncRecord, SyncSource } from './types.ts';

/** Subscribers per document: an emitter keyed by document name. */
export type Listeners = Emitter<Record<string, [keys: string[], source: SyncSource]>>;

/** Tells each document's subscribers which of its keys these records changed. */
export function notify(listeners: Listeners, records: SyncRecord[], source: SyncSource): void {
  for (const doc of new Set(records.map((r) => r.doc)))
    listeners.emit(doc, [records.filter((r) => r.doc === doc).map((r) => r.key), source]);
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
