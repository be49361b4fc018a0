// Text cut to the server's bounds stays well-formed: never half an emoji (a lone surrogate, which
// the server refuses with the whole record).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { within } from '../../src/chat/within.ts';

test('cuts to the bound, and never between the halves of an emoji', () => {
  assert.equal(within('hello', 3), 'hel');
  assert.equal(within('hello', 10), 'hello');
  // '😀' is two UTF-16 units: a cut after its first would leave a lone surrogate.
  assert.equal(within('ab😀', 3), 'ab');
  assert.equal(within('ab😀', 4), 'ab😀');
  assert.equal(within('😀😀', 3), '😀');
  // A lone surrogate does not survive a round trip through UTF-8.
  const wellFormed = (text: string) => Buffer.from(text).toString() === text;
  for (let max = 0; max < 8; max++) assert.ok(wellFormed(within('a😀b😀😀', max)), `well formed at ${max}`);
});
