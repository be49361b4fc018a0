// checkJson (server/values/json.ts): a good value's JSON comes back with its sizes, so a caller that
// stores it serialises it once; a bad one is refused naming where its first problem is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJson } from '../../server/index.ts';
import { MAX_JSON_DEPTH } from '../../src/protocol/index.ts';

/** `[[[...]]]` nested `levels` deep around `inner`. */
const nested = (levels: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('checkJson', () => {
  it("gives a good value's JSON, as JSON.stringify writes it, and its sizes", () => {
    const value = { a: 'é', b: [1, { c: null }], d: true };
    const json = JSON.stringify(value);
    assert.deepEqual(checkJson(value), {
      ok: true,
      json,
      chars: json.length,
      bytes: Buffer.byteLength(json),
    });
  });

  it('names the first problem in document order, wherever it is', () => {
    const cases: [unknown, string, string][] = [
      [{ a: { b: ['ok', 'x\u0000'] } }, 'invalid_string', 'a.b[1] holds U+0000'],
      [{ a: 1, 'k\ud800': 2 }, 'invalid_string', 'the value has a key that holds a lone surrogate'],
      [{ a: [1, Number.POSITIVE_INFINITY], z: '\u0000' }, 'invalid_number', 'a[1] is a number'],
      [{ deep: nested(MAX_JSON_DEPTH) }, 'too_deep', 'deep'],
      // A body nested far deeper than any recursion could go is refused all the same.
      [nested(250_000), 'too_deep', '[0]'],
    ];
    for (const [value, code, start] of cases) {
      const check = checkJson(value);
      assert.equal(check.ok, false);
      if (check.ok) continue;
      assert.equal(check.code, code, check.message);
      assert.ok(check.message.startsWith(start), check.message);
    }
    assert.equal(checkJson(nested(MAX_JSON_DEPTH - 1)).ok, true);
  });
});
