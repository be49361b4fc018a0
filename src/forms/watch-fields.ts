import type { JsonValue } from '../protocol/events.ts';
import { captured, type Field, type FieldLists, keyOf } from './fields.ts';
import { read, write } from './values.ts';

/**
 * The fields of `form` as the customer changes them: each field a draft may hold (`lists`) changed
 * by `input` or `change`, or by one of the `typed` events seen before, goes into `touched` and to
 * `changed`. Answers `fill`, which writes values into the fields the customer left alone and answers
 * how many it changed; its own events are not the customer's.
 */
export function watchFields(
  form: HTMLFormElement,
  fields: (key: string) => Field[],
  lists: FieldLists,
  typed: Event[],
  touched: Set<string>,
  changed: (key: string) => void,
): (values: Record<string, JsonValue>) => number {
  let filling = false;
  const input = (event: Event) => {
    const field = event.target as Field;
    if (filling || !captured(field, lists)) return;
    touched.add(keyOf(field));
    changed(keyOf(field));
  };
  // Capturing, so a page that stops propagation still saves.
  form.addEventListener('input', input, true);
  form.addEventListener('change', input, true);
  for (const event of typed) input(event);
  return (values) => {
    let filled = 0;
    filling = true;
    try {
      for (const [key, value] of Object.entries(values)) {
        const group = fields(key);
        if (group[0] && !touched.has(key) && `${read(group)}` !== `${value}`) {
          write(group, value);
          filled++;
        }
      }
    } finally {
      filling = false; // even when a page's own setter threw: keep saving what the customer types
    }
    return filled;
  };
}
