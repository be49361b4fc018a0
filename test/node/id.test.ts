// Ids (src/core/id.ts): random ones for people and keys, and time-ordered ones for events, so a
// store's primary-key index grows at its end as events arrive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomId, timeOrderedId } from '../../src/core/id.ts';

const BASE32 = /^[0-9a-v]+$/;

describe('randomId', () => {
  it('is 26 base-32 characters, never twice the same', () => {
    const ids = Array.from({ length: 10_000 }, () => randomId());
    assert.ok(ids.every((id) => id.length === 26 && BASE32.test(id)));
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('timeOrderedId', () => {
  it("has randomId's length and alphabet, so stores and servers take it as before", () => {
    const id = timeOrderedId(Date.now());
    assert.equal(id.length, 26);
    assert.match(id, BASE32);
  });

  it('sorts by the time it was made for, as text', () => {
    const start = Date.UTC(2026, 11, 6, 12);
    const times = Array.from({ length: 1000 }, (_, i) => start + i * 7 + (i % 3));
    const ids = times.map((at) => timeOrderedId(at));
    assert.deepEqual([...ids].sort(), ids);
    // Years apart too (the prefix stays 9 characters from 2004 to 3085).
    assert.ok(timeOrderedId(Date.UTC(2030, 0, 1)) > timeOrderedId(Date.UTC(2029, 11, 31, 23, 59, 59, 999)));
  });

  it('keeps 85 random bits: ids made in the same millisecond all differ', () => {
    const at = Date.now();
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId(at));
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(ids.map((id) => id.slice(0, 9))).size, 1);
  });
});
