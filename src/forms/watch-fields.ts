import { captured, type Field, type FieldLists, keyOf } from './fields.ts';

/**
 * Calls `changed` with the key of every field the customer changes in `form` (`input` and `change`),
 * and of the `typed` events seen before; fields a draft may not hold (`lists`) are left out.
 * Answers `unheard`: runs a function (a restore writing fields) whose own events are not the
 * customer's, so they are not reported.
 */
export function watchFields(
  form: HTMLFormElement,
  lists: FieldLists,
  typed: Event[],
  changed: (key: string) => void,
): (write: () => void) => void {
  let writing = false;
  const input = (event: Event) => {
    const field = event.target as Field;
    if (!writing && captured(field, lists)) changed(keyOf(field));
  };
  // Capturing, so a page that stops propagation still saves.
  form.addEventListener('input', input, true);
  form.addEventListener('change', input, true);
  for (const event of typed) input(event);
  return (write) => {
    writing = true;
    try {
      write();
    } finally {
      writing = false; // even when a page's own setter threw: keep saving what the customer types
    }
  };
}
