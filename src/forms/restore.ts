import type { JsonValue } from '../protocol/events.ts';
import type { Saved } from './draft.ts';

/**
 * What a restore fills from the `saved` draft: the values saved after the page's own (`since`, the
 * form's `data-omnikit-since`: ms or a date), and the anonymous id of the device that saved last.
 * Undefined when the draft is empty, or unchanged for `maxAge` (default 7 days): it is to be dropped.
 */
export function draftValues(
  saved: [string, Saved][],
  since: string | undefined,
  maxAge: number | undefined,
): [values: Record<string, JsonValue>, from: string] | undefined {
  let last = 0;
  let from = '';
  for (const [, [, at, device]] of saved) if (at > last) [last, from] = [at, device];
  if (last < Date.now() - (maxAge || 6048e5)) return;
  const newer = Date.parse(since!) || +since! || 0;
  const values: Record<string, JsonValue> = {};
  for (const [key, [value, at]] of saved) if (at > newer) values[key] = value;
  return [values, from];
}
