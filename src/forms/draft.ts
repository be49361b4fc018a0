import type { JsonValue } from '../protocol/events.ts';
import { emptyDoc } from '../sync/empty.ts';
import type { SyncDoc } from '../sync/index.ts';
import type { Field } from './fields.ts';
import { read } from './values.ts';

/** A field as saved: its value, when (ms), and the anonymous id of the device that saved it. */
export type Saved = [value: JsonValue, at: number, device: string];

/**
 * The draft of one form in its document `doc`, one key per field: a changed field is saved 300 ms
 * after the customer's last change, or at once by `save`. `fields` gives the fields of a key, `device`
 * the anonymous id saved with each value; `started` is called when a save begins an empty draft.
 * Answers `save`; `change(key)`, the customer changed the field(s) of `key`: save it soon; `discard`,
 * which deletes the draft on every device and what was still to save; and `drop`, which deletes only
 * what is saved.
 */
export function draftStore(
  doc: SyncDoc,
  fields: (key: string) => Field[],
  device: () => string,
  started: () => void,
): [save: () => void, change: (key: string) => void, discard: () => void, drop: () => void] {
  // Fields changed since the last save.
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout>;
  const save = () => {
    clearTimeout(timer);
    if (dirty.size && !doc.entries().length) started();
    for (const key of dirty) {
      const value = read(fields(key));
      // A blur's `change` after the `input`s changes nothing: keep the time of the real change.
      if (`${value}` !== `${(doc.get(key) as Saved | undefined)?.[0]}`)
        doc.set(key, [value, Date.now(), device()] satisfies Saved);
    }
    dirty.clear();
  };
  const drop = () => emptyDoc(doc);
  const change = (key: string) => {
    dirty.add(key);
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  };
  const discard = () => {
    dirty.clear();
    drop();
  };
  return [save, change, discard, drop];
}
