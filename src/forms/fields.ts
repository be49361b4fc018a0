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
/**
 * Names and ids that look like secrets, matched where a word starts (camelCase split first), so
 * `cardNumber`, `cvv2`, `g-recaptcha-response`, `authenticity_token` are left out while `shipping`,
 * `spinner`, `discard`, `businessName` are kept. `pincode`/`pin_code` (the Indian postal code) is
 * kept; `pin`, `userPin` are not.
 */
const SECRET =
  /(^|[^a-z])(card|credit|cc(num|exp|v)|cv[cv]|csc|iban|ssn|pin(?!_?code)|otp|token|secret|(re)?captcha|[cx]srf|security|passw|pwd)/;

/** The key a field is saved under: its name, else its id. */
export const keyOf = (el: Field): string => el.name || el.id;

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** Whether a draft may hold this element's value. */
export function captured(el: Element, { allow = [], deny = [] }: FieldLists): el is Field {
  const field = el as Field;
  const key = el.matches(CONTROL) && keyOf(field);
  return (
    !!key &&
    !NEVER.test(`${field.type} ${field.getAttribute('autocomplete')}`) &&
    !deny.includes(key) &&
    (allow.includes(key) || !SECRET.test(`${words(field.name)} ${words(field.id)}`))
  );
}
