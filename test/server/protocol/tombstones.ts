import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, startServer, TEST_NOW } from '../helpers.ts';
import { hlc, line, register, sync, type TestDevice, type WireRecord } from './client.ts';

const DAY = 24 * 60 * 60 * 1000;
const T = TEST_NOW;
const removal = (key: string, at: number, replica = 'replica1'): WireRecord => ({
  doc: 'cart',
  key,
  value: null,
  hlc: hlc(at, 0, replica),
  deleted: true,
});

describe('tombstones: the horizon (§3)', () => {
  let h: Harness;
  let phone: TestDevice;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = T;
    await h.store.reset();
    phone = await register(h.url, 'phone');
  });

  describe('horizon', () => {
    it('skips records over 30 days old or over 24 h ahead, and merges the rest of the push', async () => {
      const stale = line('stale', 1, T - 30 * DAY - 1);
      const staleRemoval = removal('stale-removal', T - 31 * DAY);
      const ahead = line('ahead', 1, T + DAY + 1);
      const answer = await sync(h.url, phone, [
        stale,
        line('oldest-kept', 1, T - 30 * DAY + 1000),
        staleRemoval,
        ahead,
        line('furthest-kept', 1, T + DAY - 1000),
      ]);
      assert.deepEqual(
        answer.rejected.map((r) => [r.hlc, r.code]),
        [
          [stale.hlc, 'stale_record'],
          [staleRemoval.hlc, 'stale_record'],
          [ahead.hlc, 'future_record'],
        ],
      );
      assert.match(answer.rejected[0].message, /^push\[0\]\.hlc is from .*more than 30 days ago/);
      assert.match(answer.rejected[2].message, /^push\[3\]\.hlc .*24 hours ahead/);
      assert.deepEqual(
        answer.records.map((r) => r.key),
        ['oldest-kept', 'furthest-kept'],
      );
    });

    it('follows the server clock, not the wall clock', async () => {
      h.clock.now = T + 60 * DAY;
      const answer = await sync(h.url, phone, [line('a', 1, T)]);
      assert.equal(answer.rejected[0]?.code, 'stale_record');
    });
  });
});
