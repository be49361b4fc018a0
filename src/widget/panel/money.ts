/**
 * `value` in `currency` as the customer's language writes it (`€29.00`, `NT$1,280.00`); the bare
 * number without a currency, or with a code Intl does not know (a shop's own, say).
 */
export function money(value: number, currency: string | undefined, lang: string): string {
  if (!currency) return `${value}`;
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}
