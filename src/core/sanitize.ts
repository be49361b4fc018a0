import type { JsonValue } from '../protocol/events.ts';

const MAX_DEPTH = 20;

/**
 * Copies `input` into plain JSON, repairing what JSON cannot carry: circular references, functions,
 * symbols, bigints, non-finite numbers, over-deep nesting. Each repair is listed in `problems` (as
 * `key: what`) so the caller can say what happened. Throws only if a `toJSON` method throws.
 */
export function toJson(
  input: Record<string, unknown>,
): [value: Record<string, JsonValue>, problems: string[]] {
  const problems: string[] = [];
  const ancestors: unknown[] = [];
  const repaired = (key: string, what: string, replacement?: JsonValue) => {
    problems.push(`${key}: ${what}`);
    return replacement;
  };
  const json = JSON.stringify(input, function (this: unknown, key, value: unknown) {
    const kind = typeof value;
    if (kind === 'bigint') return repaired(key, kind, `${value}`);
    if (kind === 'function' || kind === 'symbol') return repaired(key, kind);
    if (kind === 'number' && !Number.isFinite(value)) return repaired(key, `${value}`, null);
    if (kind === 'object' && value) {
      // The holder is `this`: unwind to it, and what remains is the path from the root.
      while (ancestors.length && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (ancestors.includes(value)) return repaired(key, 'circular', '[Circular]');
      if (ancestors.length > MAX_DEPTH) return repaired(key, 'too deep', '[Truncated]');
      ancestors.push(value);
    }
    return value;
  });
  return [JSON.parse(json), problems];
}

/** Bytes of a value once serialised as UTF-8 JSON (an encoder made per call: a build without a caller drops it). */
export const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/** True for a plain object usable as properties or traits. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
