import { MAX_JSON_DEPTH, type ValueProblemCode } from '../../src/protocol/index.ts';
import { textProblem } from './text.ts';

// MAX_JSON_DEPTH (the protocol's): the SDK flattens values past 20 levels (src/core/sanitize.ts), so
// real clients stay far below; SQLite's JSON functions stop at 1000 and JSON.stringify throws a few
// thousand levels down, while JSON.parse accepts a body nested 250,000 deep.

/**
 * Why a JSON value was refused: `invalid_string` (a string or key holds U+0000 or a lone surrogate),
 * `invalid_number` (a number JSON cannot hold: `1e400` parses to Infinity and would be stored as
 * null), `too_deep` (nested deeper than MAX_JSON_DEPTH).
 */
export type JsonProblemCode = ValueProblemCode;

/**
 * A value every store keeps as sent, with its JSON (`JSON.stringify`'s: a caller that stores it need
 * not serialise it again) and that JSON's size in UTF-8 bytes and in characters (UTF-16 code units,
 * how RudderStack counts); or why it is refused, and where.
 */
export type JsonCheck =
  | { ok: true; bytes: number; chars: number; json: string }
  | { ok: false; code: JsonProblemCode; message: string };

/** One value still to visit; `parent` and `key` give its path, built only for a message. */
interface Step {
  value: unknown;
  depth: number;
  parent: Step | null;
  key: string | number | null;
}

/**
 * Checks a parsed JSON value before it is stored, walking it with a stack rather than recursion: a
 * request body can nest hundreds of thousands of levels within its size limit, and recursion (or
 * JSON.stringify) would overflow. Work stops at the first problem; the message names its path from
 * `root` (`push[3].value.items[1].name`), or `rootName` for the value itself.
 */
export function checkJson(value: unknown, root = '', rootName = 'the value'): JsonCheck {
  const stack: Step[] = [{ value, depth: 0, parent: null, key: null }];
  const where = (step: Step) => pathOf(step, root) || rootName;
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const current = step.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return refuse('invalid_string', `${where(step)} ${problem}`);
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) {
        return refuse('invalid_number', `${where(step)} is a number JSON cannot hold`);
      }
    } else if (typeof current === 'object' && current !== null) {
      const depth = step.depth + 1;
      if (depth > MAX_JSON_DEPTH) {
        return refuse(
          'too_deep',
          `${where(step)} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
        );
      }
      const keys: (string | number)[] = Array.isArray(current)
        ? current.map((_, i) => i)
        : Object.keys(current);
      for (const key of keys) {
        const problem = typeof key === 'string' ? textProblem(key) : null;
        if (problem) return refuse('invalid_string', `${where(step)} has a key that ${problem}`);
      }
      // Pushed last to first, so the first problem in document order is the one reported.
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index];
        stack.push({ value: (current as Record<string | number, unknown>)[key], depth, parent: step, key });
      }
    }
  }
  // Safe now: the depth is bounded, and nothing in a parsed body has a toJSON to throw.
  const json = JSON.stringify(value) ?? '';
  return { ok: true, bytes: Buffer.byteLength(json, 'utf8'), chars: json.length, json };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Longest key shown in a path: a message must stay short whatever the keys are. */
const SHOWN_KEY_LENGTH = 40;

function pathOf(step: Step, root: string): string {
  const keys: (string | number)[] = [];
  for (let at: Step | null = step; at !== null && at.key !== null; at = at.parent) keys.push(at.key);
  let path = root;
  for (const key of keys.reverse()) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (IDENTIFIER.test(key)) path += path ? `.${key}` : key;
    else {
      const shown = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key;
      path += `[${JSON.stringify(shown)}]`;
    }
  }
  return path;
}

function refuse(code: JsonProblemCode, message: string): JsonCheck {
  return { ok: false, code, message };
}
