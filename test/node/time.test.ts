// isoTime (src/core/time.ts): every event's timestamp, written out instead of Date#toISOString.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoTime } from '../../src/core/time.ts';

describe('isoTime', () => {
  it('writes what toISOString writes, across years, months, leap days and every millisecond digit', () => {
    const times = [
      0,
      Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(1999, 11, 31, 0, 0, 0, 10),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(999, 5, 6, 7, 8, 9, 100),
      Date.UTC(2100, 2, 1, 12, 0, 0, 0),
    ];
    for (let at = Date.UTC(2026, 11, 6); times.length < 2000; at += 7_919_000_013) times.push(at % 8.64e15);
    for (const at of times) assert.equal(isoTime(at), new Date(at).toISOString(), `at ${at}`);
  });
});
