// How the agent console words what the agent API returns: a draft's field names as labels, its values
// as text, prices in their currency. Pure functions of their arguments: the console puts what they
// return into the page as text, never as HTML.

/** The agent API serves {"$unavailable": reason} for a stored value it cannot serve (docs/protocol.md §7). */
export const unavailable = (value) => value !== null && typeof value === 'object' && '$unavailable' in value;

/** What stands in for a value the API could not serve. */
export const CANNOT_SHOW = '(cannot be shown)';

/** What stands in for an empty field. */
export const EMPTY = '—';

/**
 * A field name (or a form id) as words: `shipping_address` → "Shipping address", `giftNote` → "Gift
 * note", `address[city]` → "Address city". Drafts carry no label of their own: the page's <label>
 * stays in the page, the draft keeps the field's name.
 */
export function fieldLabel(name) {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[\s_.[\]-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}

/**
 * A draft field's value as text: the choices of a select or checkboxes joined with ", ", an empty
 * field as "—". A value of another shape (pushed by another client) is shown as its JSON.
 */
export function draftValue(value) {
  if (unavailable(value)) return CANNOT_SHOW;
  if (Array.isArray(value)) {
    const chosen = value.filter((item) => item !== '' && item !== null);
    return chosen.length ? chosen.map(draftValue).join(', ') : EMPTY;
  }
  if (value === '' || value === null || value === undefined) return EMPTY;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * An amount in its currency, formatted as the widget's cart formats it (Intl.NumberFormat in the
 * page's language): "NT$1,280.00", "€19.90". Without a currency, the bare number; with a code Intl
 * does not know (a line is whatever a client pushed), the number and the code.
 */
export function money(amount, currency, lang) {
  if (!currency) return `${amount}`;
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}
