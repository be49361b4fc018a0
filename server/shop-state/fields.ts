// Optional fields of the shop's writes (orders, loyalty), checked one way: present and right, or a
// 400 naming the field. Strings are storable text (no U+0000, no lone surrogate), numbers finite.
import { ApiError } from '../errors.ts';
import { isStorableId } from '../values/index.ts';

/** The error of a refused body, with the code `code`. */
export const refuse = (code: string) => (message: string) => new ApiError(400, code, message);

const path = (where: string | undefined, key: string) => (where ? `${where}.${key}` : key);

/** `{ [key]: text }` when the body has a storable text of 1 to `max` characters there, `{}` when absent. */
export function optionalText(
  body: Record<string, unknown>,
  key: string,
  max: number,
  fail: (message: string) => ApiError,
  where?: string,
): Record<string, string> {
  const value = body[key];
  if (value === undefined) return {};
  if (!isStorableId(value, max)) throw fail(`"${path(where, key)}" must be text of 1 to ${max} characters`);
  return { [key]: value };
}

/** `{ [key]: number }` when the body has a finite number >= 0 there, `{}` when absent. */
export function optionalNumber(
  body: Record<string, unknown>,
  key: string,
  fail: (message: string) => ApiError,
  where?: string,
): Record<string, number> {
  const value = body[key];
  if (value === undefined) return {};
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw fail(`"${path(where, key)}" must be a number >= 0`);
  }
  return { [key]: value };
}
