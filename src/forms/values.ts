import type { JsonValue } from '../protocol/events.ts';
import type { Field } from './fields.ts';

type Choice = HTMLInputElement | HTMLOptionElement;
const ticks = (el: Field) => /checkbox|radio/.test(el.type);

/** What a draft holds for the fields of one name: the text, or the values chosen (selects, checkboxes, radios). */
export function read(group: Field[]): JsonValue {
  const [el] = group;
  const list = 'options' in el ? [...el.options] : ticks(el) && (group as Choice[]);
  return list
    ? list
        .filter((choice) => (choice as HTMLInputElement).checked || (choice as HTMLOptionElement).selected)
        .map((choice) => choice.value)
    : el.value;
}

/**
 * Puts a saved value into the fields of one name as the customer would, so framework-controlled
 * fields (React, Vue, Preact) update their state: a click on a checkbox or radio (React listens to
 * clicks there); otherwise the native setter, past the framework's own, then `input` and `change`.
 */
export function write(group: Field[], value: JsonValue): void {
  const [el] = group;
  const wanted = (choice: Choice) => [value].flat().includes(choice.value);
  if (ticks(el)) {
    // A click on a radio only checks it: checking the wanted one unchecks the others.
    for (const input of group as HTMLInputElement[])
      if (input.checked !== wanted(input) && (input.type === 'checkbox' || !input.checked)) input.click();
    return;
  }
  if ('options' in el) for (const option of el.options) option.selected = wanted(option);
  else Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')?.set?.call(el, value);
  for (const type of ['input', 'change']) el.dispatchEvent(new Event(type, { bubbles: true }));
}
