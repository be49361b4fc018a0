import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, startServer, TEST_NOW } from '../helpers.ts';
import { hlc, identify, line, register, sync, type TestDevice, type WireRecord } from './client.ts';

const DAY = 24 * 60 * 60 * 1000;
const T = TEST_NOW;
const removal = (key: string, at: number, replica = 'replica1'): WireRecord => ({
  doc: 'cart',
  key,
  value: null,
  hlc: hlc(at, 0, replica),
  deleted: true,
});

describe('tombstones: horizon and compaction (§3)', () => {
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

  /** Moves the server's clock to `at` and compacts as the hourly run would. */
  const compactAt = async (at: number) => {
    h.clock.now = at;
    return h.store.compactTombstones(at - 30 * DAY);
  };

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

  describe('compaction', () => {
    it('deletes only tombstones past the horizon: live records and young tombstones stay', async () => {
      await sync(h.url, phone, [line('old-live', 1, T), removal('old-removal', T)]);
      h.clock.now = T + 20 * DAY;
      await sync(h.url, phone, [removal('young-removal', T + 20 * DAY)]);

      assert.deepEqual(await compactAt(T + 35 * DAY), { removed: 1, profiles: 1 });
      const { records } = await sync(h.url, phone);
      assert.deepEqual(records.map((r) => [r.key, r.deleted]).sort(), [
        ['old-live', false],
        ['young-removal', true],
      ]);
      assert.deepEqual(await compactAt(T + 35 * DAY), { removed: 0, profiles: 0 }, 'nothing left to do');
    });

    it('an old cursor gets reset: true and every record from the start; a current cursor does not', async () => {
      const laptop = await register(h.url, 'laptop');
      await identify(h.url, phone, 'ada');
      await identify(h.url, laptop, 'ada');
      await sync(h.url, phone, [line('a', 1, T), line('b', 1, T)]);
      const laptopSaw = await sync(h.url, laptop); // has a and b, then goes offline
      await sync(h.url, phone, [removal('b', T + 1)]);
      const phoneSaw = await sync(h.url, phone, [], laptopSaw.cursor); // has the removal
      await compactAt(T + 31 * DAY);

      const late = await sync(h.url, laptop, [], laptopSaw.cursor);
      assert.equal(late.reset, true);
      assert.equal(late.more, false);
      assert.deepEqual(
        late.records.map((r) => r.key),
        ['a'],
        'a full page: b is absent, so a client that starts over drops it',
      );
      const next = await sync(h.url, laptop, [], late.cursor);
      assert.equal(next.reset, undefined, 'the reset cursor is current');
      assert.deepEqual(next.records, []);

      const current = await sync(h.url, phone, [], phoneSaw.cursor);
      assert.equal(current.reset, undefined);
      assert.ok(!current.records.some((r) => r.key === 'b'));
      assert.equal((await sync(h.url, phone)).reset, undefined, 'a pull from "" is never a reset');
    });

    it('a stale re-push of a compacted key does not resurrect it', async () => {
      await sync(h.url, phone, [line('a', 1, T)]);
      await sync(h.url, phone, [removal('a', T + 5)]);
      await compactAt(T + 31 * DAY);
      // A device offline for a month pushes its copy, or its edit made before it saw the removal.
      const answer = await sync(h.url, phone, [line('a', 1, T), line('a', 3, T + 2, 'laptop')]);
      assert.deepEqual(
        answer.rejected.map((r) => r.code),
        ['stale_record', 'stale_record'],
      );
      assert.deepEqual((await sync(h.url, phone)).records, []);
    });

    it('every page of a reset pull ends above the watermark, so the next page does not start over', async () => {
      let early = '';
      for (let batch = 0; batch < 3; batch++) {
        const push = Array.from({ length: 500 }, (_, i) => line(`k${batch * 500 + i}`, 1, T + i));
        const { cursor } = await sync(h.url, phone, push);
        early ||= cursor;
      }
      await sync(h.url, phone, [removal('gone', T)]);
      await compactAt(T + 31 * DAY);
      const first = await sync(h.url, phone, [], early);
      assert.deepEqual([first.reset, first.records.length, first.more], [true, 1000, true]);
      const second = await sync(h.url, phone, [], first.cursor);
      assert.deepEqual([second.reset, second.records.length, second.more], [undefined, 500, false]);
      assert.equal(new Set([...first.records, ...second.records].map((r) => r.key)).size, 1500);
    });

    it('an emptied profile hands out the watermark as its cursor, so it is not reset again', async () => {
      const first = await sync(h.url, phone, [removal('a', T), removal('b', T + 1)]);
      await compactAt(T + 31 * DAY);
      const watermark = await h.store.compactionWatermark('shop', phone.profileId);
      assert.equal(watermark, Number(first.cursor), "b's sequence number");
      const reset = await sync(h.url, phone, [], String(watermark - 1));
      assert.deepEqual([reset.records, reset.cursor, reset.reset], [[], String(watermark), true]);
      for (const cursor of ['', reset.cursor]) {
        const answer = await sync(h.url, phone, [], cursor);
        assert.deepEqual([answer.records, answer.cursor, answer.reset], [[], String(watermark), undefined]);
      }
    });

    it('runs when the server starts and then on its interval', async () => {
      await sync(h.url, phone, [removal('a', T)]);
      h.clock.now = T + 31 * DAY;
      await h.restart();
      assert.deepEqual((await sync(h.url, phone)).records, [], 'compacted at startup');

      const ticking = await startServer({ compactionIntervalMs: 20 });
      try {
        const device = await register(ticking.url, 'tablet');
        await sync(ticking.url, device, [removal('a', T)]);
        ticking.clock.now = T + 31 * DAY;
        const left = async () => (await ticking.store.recordsSince('shop', device.profileId, 0, 10)).records;
        const deadline = Date.now() + 2000;
        while ((await left()).length > 0) {
          assert.ok(Date.now() < deadline, 'compacted by the periodic run within 2 s');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        await ticking.close();
      }
    });
  });
});
