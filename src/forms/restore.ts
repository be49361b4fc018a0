import type { JsonValue } from '../protocol/events.ts';
import type { SyncDoc } from '../sync/index.ts';
import type { Saved } from './draft.ts';
import type { Field } from './fields.ts';
import type { WatchOptions } from './types.ts';
import { read, write } from './values.ts';

/**
 * Fills the fields of `form` the customer left alone (not `touched` on this page) from the draft: the
 * values saved in `doc` after the page's own (`data-omnikit-since`, ms or a date), once the page's `prepare`
 * added the rows they need; `unheard` keeps these writes from counting as the customer's. A draft
 * unchanged for `maxAge` (default 7 days), or empty, is dropped (`drop`). Answers how many fields were filled,
 * and the anonymous id of the device that saved the draft last.
 */
export async function restoreDraft(
  form: HTMLFormElement,
  doc: SyncDoc,
  drop: () => void,
  fields: (key: string) => Field[],
  touched: Set<string>,
  unheard: (write: () => void) => void,
  options: WatchOptions,
  maxAge: number | undefined,
): Promise<[filled: number, from: string]> {
  const saved = doc.entries() as [string, Saved][];
  let last = 0;
  let from = '';
  for (const [, [, at, device]] of saved) if (at > last) [last, from] = [at, device];
  if (last < Date.now() - (maxAge || 6048e5)) {
    drop(); // expired, or empty
    return [0, from];
  }
  const since = form.dataset.omnikitSince;
  const newer = Date.parse(since!) || +since! || 0;
  const values: Record<string, JsonValue> = {};
  for (const [key, [value, at]] of saved) if (at > newer) values[key] = value;
  await options.prepare?.(values);
  let filled = 0;
  unheard(() => {
    for (const [key, value] of Object.entries(values)) {
      const group = fields(key);
      if (group[0] && !touched.has(key) && `${read(group)}` !== `${value}`) {
        write(group, value);
        filled++;
      }
    }
  });
  return [filled, from];
}
