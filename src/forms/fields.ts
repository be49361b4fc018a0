import { looksSecret } from '../protocol/index.ts';

/** A form control a draft can hold. */
export type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Field names to keep whatever their name looks like (`allow`), or to leave out (`deny`). */
export interface FieldLists {
  allow?: string[];
  deny?: string[];
}

// Enabled controls outside any [data-omnikit-ignore] (`:enabled` is false in a disabled fieldset too).
const CONTROL = ':enabled:not([data-omnikit-ignore],[data-omnikit-ignore] *)';
/**
 * Types and autocomplete tokens never kept, whatever the lists say: `password` covers both
 * *-password tokens; buttons and fieldsets are enabled controls too, but hold nothing to keep.
 */
const NEVER = /password|hidden|file|submit|reset|button|image|fieldset|cc-|one-time-code/;

/** The key a field is saved under: its name, else its id. */
export const keyOf = (el: Field): string => el.name || el.id;

/** Whether a draft may hold this element's value. */
export function captured(el: Element, { allow = [], deny = [] }: FieldLists): el is Field {
  const field = el as Field;
  const key = el.matches(CONTROL) && keyOf(field);
  return (
    !!key &&
    !NEVER.test(`${field.type} ${field.getAttribute('autocomplete')}`) &&
    !deny.includes(key) &&
    // Names and ids that look like secrets are left out (the protocol's rule, src/protocol/form-fields.ts).
    (allow.includes(key) || !looksSecret(`${field.name} ${field.id}`))
  );
}
