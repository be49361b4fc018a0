// Form drafts (`form:<id>` documents) never hold secrets: the SDK does not save a field whose name or
// id looks like one, and the server drops such a field again before an agent sees a draft, in case a
// client that does not follow the rule pushed one.

/**
 * Names that look like secrets, matched where a word starts (camelCase split first, see looksSecret),
 * so `cardNumber`, `cvv2`, `g-recaptcha-response`, `authenticity_token` are secrets while `shipping`,
 * `spinner`, `discard`, `businessName` are not. `pincode`/`pin_code` (the Indian postal code) is not;
 * `pin`, `userPin` are.
 */
export const SECRET_FIELD_NAME =
  /(^|[^a-z])(card|credit|cc(num|exp|v)|cv[cv]|csc|iban|ssn|pin(?!_?code)|otp|token|secret|(re)?captcha|[cx]srf|security|passw|pwd)/;

/** Whether a field's name (or id, or several separated by spaces) looks like a secret. */
export const looksSecret = (name: string): boolean =>
  SECRET_FIELD_NAME.test(name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
