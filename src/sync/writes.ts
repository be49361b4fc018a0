import { createArguments } from '../core/arguments.ts';
import type { Report } from '../core/report.ts';
import { jsonBytes } from '../core/sanitize.ts';
import type { JsonValue } from '../protocol/events.ts';
import { MAX_VALUE_BYTES } from '../protocol/index.ts';
import type { WriteKey } from './doc-view.ts';
import type { LocalCopy } from './local.ts';
import { drop, type Stored } from './store.ts';

/**
 * A document's writes: `write` checks a key and its value, applies it at once, stores it (journaled
 * until the store has it), tells the other tabs and calls `written` (which plans a sync); `forget`
 * drops this device's copy of a document, which the next sync pulls again from cursor "".
 */
export function createWrites(
  local: LocalCopy,
  report: Report,
  written: (doc: string) => void,
): [write: WriteKey, forget: (doc: string) => void] {
  const check = createArguments(report);
  const write: WriteKey = (doc, key, value, deleted) => {
    if (!check.id(doc, 'doc') || !check.id(key, 'key')) return false;
    const json: JsonValue | null = check._record({ v: value }, key).v ?? null;
    if (jsonBytes(json) > MAX_VALUE_BYTES) {
      report('value_too_large', `${key}: value over 16 KB`);
      return false;
    }
    // Not pushed yet: it travels so to other tabs and the journal too.
    const record: Stored = { doc, key, value: json, hlc: local._clock._now(), _pending: 1, deleted };
    local._post({ _records: local._apply([record], 'local', 1) });
    if (local._opened()) {
      // Journaled until the store has it (the store write queued by _apply() comes first).
      local._journal(undefined, [record]);
      local._queue(() => local._journal((r) => r.hlc !== record.hlc));
      written(doc);
    }
    return true;
  };
  const forget = (name: string) => {
    local._clear(name);
    local._journal((r) => r.doc !== name);
    local._queue(() => drop(local._kv(), name));
    local._post({ _forgotten: name });
    local._rewind = true;
  };
  return [write, forget];
}
