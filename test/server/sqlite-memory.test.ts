// The SQLite store's single-writer shortcuts (server/store/sqlite-memory.ts, sqlite-group-commit.ts):
// what it keeps in memory never answers differently from the database, and merges committed in
// groups keep every merge's own outcome.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Store, SyncRecord } from '../../server/index.ts';
import { trackEvent } from './helpers.ts';
import { sqliteDatabase, type TestDatabase } from './test-database.ts';

const SITE = 'shop';
type EventBody = Parameters<Store['insertEvents']>[1][number];
const HOUR = 3_600_000;
const at = (ms: number, replica = 'memory') => `${ms.toString(36).padStart(9, '0')}-000-${replica}`;
const put = (key: string, ms: number, qty = 1): SyncRecord => ({
  doc: 'cart',
  key,
  value: { qty },
  hlc: at(ms),
  deleted: false,
});
const remove = (key: string, ms: number): SyncRecord => ({ ...put(key, ms), value: null, deleted: true });

// Each case on a fresh store of its own.
describe('SQLite store, its one writer', () => {
  let database: TestDatabase & { file: string };
  let store: Store;
  beforeEach(async () => {
    database = await sqliteDatabase();
    store = await database.open();
  });
  afterEach(async () => {
    await store.close();
    await database.remove();
  });

  describe('what it keeps in memory', () => {
    /** A registered device, looked up once so its token is held in memory. */
    const device = async (token: string) => {
      const created = await store.createDevice(SITE, `anon-${token}`, token);
      assert.equal((await store.deviceByTokenHash(token))?.profileId, created.profileId);
      return created;
    };

    it('refuses a revoked token at once', async () => {
      const { deviceId } = await device('hash-1');
      await store.revokeDevice(deviceId);
      assert.equal(await store.deviceByTokenHash('hash-1'), null);
    });

    it("refuses an erased user's tokens at once, and a forgotten device's", async () => {
      const { deviceId } = await device('hash-1');
      await store.linkDeviceToUser(deviceId, 'user-1');
      await device('hash-2');
      assert.ok(await store.deviceByTokenHash('hash-1'), 'held in memory');
      const receipt = { receiptId: 'er_1', subjectHash: 'h', erasedAt: new Date().toISOString() };
      await store.eraseUser(SITE, 'user-1', receipt);
      assert.equal(await store.deviceByTokenHash('hash-1'), null);
      assert.ok(await store.deviceByTokenHash('hash-2'), 'another customer is held again');
      const forgotten = (await store.deviceByTokenHash('hash-2'))?.id ?? '';
      await store.forgetDevice(forgotten, { ...receipt, receiptId: 'er_2' });
      assert.equal(await store.deviceByTokenHash('hash-2'), null);
      assert.deepEqual(
        [await store.isErasedToken('hash-1'), await store.isErasedToken('hash-2')],
        [true, true],
      );
    });

    it('finds a device in its new profile right after it is linked to a user', async () => {
      const { deviceId } = await device('hash-1');
      const linked = await store.linkDeviceToUser(deviceId, 'user-1');
      const found = await store.deviceByTokenHash('hash-1');
      assert.equal(found?.profileId, linked.profileId);
      assert.equal(found?.userId, 'user-1');
    });

    it('finds a device in the handoff profile right after it claims the handoff', async () => {
      const giver = await device('giver');
      const taker = await device('taker');
      const expiresAt = new Date(Date.now() + HOUR);
      await store.createHandoff({
        tokenHash: 'h',
        siteId: SITE,
        profileId: giver.profileId,
        createdBy: giver.deviceId,
        expiresAt,
      });
      assert.ok((await store.claimHandoff(SITE, 'h', taker.deviceId, new Date())).ok);
      assert.equal((await store.deviceByTokenHash('taker'))?.profileId, giver.profileId);
    });

    it('never hands out what it holds for the caller to change', async () => {
      await device('hash-1');
      const first = await store.deviceByTokenHash('hash-1');
      if (first) first.profileId = 'changed';
      assert.notEqual((await store.deviceByTokenHash('hash-1'))?.profileId, 'changed');
    });

    it("sees another connection's commit from the next turn of the event loop on", async () => {
      await device('hash-1');
      await database.exec("UPDATE devices SET revoked_at = '2020-01-01T00:00:00.000Z'");
      await nextTurn();
      assert.equal(await store.deviceByTokenHash('hash-1'), null);
    });

    it('answers an up-to-date pull without a query (one look at the file per turn of the event loop)', async () => {
      const { profileId } = await device('hash-1');
      const merged = await store.mergeRecords(SITE, profileId, [put('line', Date.now())]);
      const syncReads = async () => {
        const found = await store.deviceByTokenHash('hash-1');
        const watermark = await store.compactionWatermark(SITE, profileId);
        const page = await store.recordsSince(SITE, profileId, merged.cursor, 1000);
        return { found: found?.profileId, watermark, page };
      };
      await syncReads();
      await nextTurn();
      const statements = countStatements();
      try {
        const answer = await syncReads();
        assert.deepEqual(answer, {
          found: profileId,
          watermark: 0,
          page: { records: [], cursor: merged.cursor, more: false },
        });
        assert.equal(statements.count, 1, 'PRAGMA data_version, nothing else');
      } finally {
        statements.stop();
      }
    });

    it('answers every pull as the database does, through merges, compaction and reset', async () => {
      const reader = new Database(database.file, { readonly: true });
      try {
        const expected = (profileId: string, after: number) => {
          const watermark =
            (reader
              .prepare('SELECT seq FROM compactions WHERE site_id = ? AND profile_id = ?')
              .pluck()
              .get(SITE, profileId) as number | undefined) ?? 0;
          const seqs = reader
            .prepare('SELECT seq FROM records WHERE site_id = ? AND profile_id = ? AND seq > ? ORDER BY seq')
            .pluck()
            .all(SITE, profileId, after) as number[];
          return { watermark, seqs, cursor: seqs.at(-1) ?? after };
        };
        const check = async (profileId: string, after: number) => {
          const page = await store.recordsSince(SITE, profileId, after, 1000);
          const want = expected(profileId, after);
          assert.equal(await store.compactionWatermark(SITE, profileId), want.watermark);
          assert.equal(page.cursor, want.cursor, `${profileId} after ${after}`);
          assert.equal(page.records.length, want.seqs.length, `${profileId} after ${after}`);
          return page.cursor;
        };
        const old = Date.now() - 40 * 24 * HOUR;
        const now = Date.now();
        const cursors = { a: 0, b: 0 };
        const pullAll = async () => {
          for (const profile of ['a', 'b'] as const) {
            // Twice: the second is an up-to-date cursor, answered from memory.
            cursors[profile] = await check(profile, cursors[profile]);
            assert.equal(await check(profile, cursors[profile]), cursors[profile]);
            for (const after of [0, 1, 2, cursors[profile] + 5]) await check(profile, after);
          }
        };
        await pullAll();
        await store.mergeRecords(SITE, 'a', [put('x', now), put('y', now), remove('z', old + 1)]);
        await pullAll();
        await store.mergeRecords(SITE, 'b', [put('x', now)]);
        await store.mergeRecords(SITE, 'a', [put('x', now)]); // stale: changes nothing
        await pullAll();
        await store.mergeRecords(SITE, 'a', [put('x', now + 1, 2)]);
        await pullAll();
        await store.compactTombstones(now - 30 * 24 * HOUR);
        assert.ok((await store.compactionWatermark(SITE, 'a')) > 0);
        await pullAll();
        await store.reset();
        await pullAll();
      } finally {
        reader.close();
      }
    });
  });

  describe('merges and event batches committed in groups', () => {
    it('merges asked for at once each get their own numbers, in the order asked', async () => {
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.mergeRecords(SITE, `p${index % 4}`, [put(`k${index}`, now)]),
        ),
      );
      const cursors = results.map((result) => result.cursor);
      assert.deepEqual(
        results.map((result) => result.written),
        results.map(() => 1),
      );
      assert.deepEqual(
        cursors,
        [...cursors].sort((a, b) => a - b),
      );
      assert.equal(new Set(cursors).size, cursors.length);
      const stored = await database.rows('records');
      assert.equal(stored.length, 20);
    });

    it('a merge that fails, fails alone: the others of its group are stored', async () => {
      const now = Date.now();
      // A value JSON cannot hold (never past checkPush in the server): the merge throws.
      const broken = { ...put('bad', now), value: { n: 1n } } as unknown as SyncRecord;
      const outcomes = await Promise.allSettled([
        store.mergeRecords(SITE, 'p', [put('before', now)]),
        store.mergeRecords(SITE, 'p', [put('partly', now), broken]),
        store.mergeRecords(SITE, 'p', [put('after', now)]),
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      const keys = (await database.rows('records')).map((row) => row.key).sort();
      assert.deepEqual(keys, ['after', 'before']);
    });

    it('event batches asked for at once share the group: each sees the ones before it, and one that fails, fails alone', async () => {
      const event = (messageId: string) => trackEvent({ messageId }) as EventBody;
      const broken = { ...event('broken'), properties: { n: 1n } } as unknown as EventBody;
      const outcomes = await Promise.allSettled([
        store.insertEvents(SITE, [event('m-1'), event('m-2')]),
        store.mergeRecords(SITE, 'p', [put('k', Date.now())]),
        store.insertEvents(SITE, [event('m-2'), event('m-3')]), // m-2 is a duplicate of the first batch's
        store.insertEvents(SITE, [event('m-4'), broken]),
      ]);
      const [first, merge, second, failing] = outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : outcome.status,
      );
      assert.deepEqual(
        [first, second, failing],
        [{ inserted: 2, duplicates: 0 }, { inserted: 1, duplicates: 1 }, 'rejected'],
      );
      assert.equal((merge as { written: number }).written, 1, 'the merge between them');
      const ids = (await database.rows('events')).map((row) => row.message_id).sort();
      assert.deepEqual(ids, ['m-1', 'm-2', 'm-3']);
    });

    it('an event batch still waiting when the store closes is committed, not lost', async () => {
      const inserted = store.insertEvents(SITE, [trackEvent({ messageId: 'last' }) as EventBody]);
      await store.close();
      assert.deepEqual(await inserted, { inserted: 1, duplicates: 0 });
      store = await database.open();
      assert.equal((await store.listEvents(SITE)).length, 1);
    });

    it('a merge still waiting when the store closes is committed, not lost', async () => {
      const merged = store.mergeRecords(SITE, 'p', [put('k', Date.now())]);
      await store.close();
      assert.equal((await merged).written, 1);
      store = await database.open();
      assert.equal((await store.recordsSince(SITE, 'p', 0, 10)).records.length, 1);
    });
  });
});

/** Counts the statements better-sqlite3 runs (get, all, run, iterate on any statement) until `stop()`. */
function countStatements(): { count: number; stop(): void } {
  const probe = new Database(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  const counter = { count: 0, stop: () => {} };
  const originals = (['get', 'all', 'run', 'iterate'] as const).map((name) => {
    const original = prototype[name] as (...args: unknown[]) => unknown;
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      counter.count += 1;
      return original.apply(this, args);
    };
    return [name, original] as const;
  });
  counter.stop = () => {
    for (const [name, original] of originals) prototype[name] = original;
  };
  return counter;
}
