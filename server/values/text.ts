/**
 * Why `text` cannot be stored as sent, or null when it can. PostgreSQL refuses U+0000 in TEXT and
 * JSONB; a lone surrogate (half of a UTF-16 pair) has no UTF-8 form, so every store writes U+FFFD
 * instead and two different strings become one (a userId "x\ud800" would land on the profile of
 * "x\ufffd"). Refusing both keeps what the server stores exactly what the client sent, on any store.
 */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'holds U+0000, which databases cannot store';
  if (!isWellFormed(text)) return 'holds a lone surrogate: it is not well-formed Unicode';
  return null;
}

/** Whether every store keeps `text` exactly as sent: well-formed Unicode without U+0000. */
export const isStorableText = (text: string): boolean => textProblem(text) === null;

/**
 * Whether `value` can name something (a user, a device, a handoff): a string of 1 to `maxLength`
 * characters that every store keeps as sent.
 */
export const isStorableId = (value: unknown, maxLength: number): value is string =>
  typeof value === 'string' && value !== '' && value.length <= maxLength && isStorableText(value);

// String.prototype.isWellFormed is ES2024, in Node 20; the project's TypeScript lib is ES2022.
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();
