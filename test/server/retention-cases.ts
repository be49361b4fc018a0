// What every Store's retention calls delete, one call at a time: registered by storeCases
// (store-cases.ts), so they run on SQLite and on PostgreSQL. The whole schedule, per site and through
// the API, is in protocol/retention.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store, SyncRecord } from '../../server/index.ts';
import { trackEvent } from './helpers.ts';
import type { TestDatabase, TestDatabaseFactory } from './test-database.ts';

const DAY = 24 * 60 * 60 * 1000;
const FROM_START = { after: '', limit: 100 };

const record = (doc: string, key: string): SyncRecord => ({
  doc,
  key,
  value: { v: key },
  hlc: `${Date.now().toString(36).padStart(9, '0')}-000-replica1`,
  deleted: false,
});

/** Registers the retention store cases in the enclosing `describe`. */
export function retentionCases(fresh: TestDatabaseFactory): void {
  const withStore = async (test: (store: Store, database: TestDatabase) => Promise<void>) => {
    const database = await fresh();
    const store = await database.open();
    try {
      await test(store, database);
    } finally {
      await store.close();
      await database.remove();
    }
  };
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

  it('retention: removes the oldest events of one site first, batch by batch, with their violations', () =>
    withStore(async (store, database) => {
      const ids = ['e1', 'e2', 'e3', 'young'];
      await store.insertEvents(
        'shop',
        ids.map((messageId) => trackEvent({ messageId })),
        {
          violations: ids.map((messageId) => ({
            messageId,
            event: 'x',
            path: '',
            kind: 'unknown_event',
            message: 'm',
          })),
        },
      );
      await store.insertEvents('blog', [trackEvent({ messageId: 'blog-old' })]);
      for (const [index, id] of ['e1', 'e2', 'e3'].entries()) {
        await database.exec('UPDATE events SET received_at = $1 WHERE message_id = $2', [
          ago(10 - index),
          id,
        ]);
      }
      await database.exec("UPDATE events SET received_at = $1 WHERE message_id = 'blog-old'", [ago(100)]);
      const cutoff = new Date(Date.now() - 5 * DAY);
      assert.deepEqual(await store.removeExpiredEvents('shop', cutoff, { after: '', limit: 2 }), {
        removed: 2,
        next: '',
      });
      const left = async (table: string) =>
        (await database.rows(table)).map((row) => String(row.message_id)).sort();
      assert.deepEqual(await left('events'), ['blog-old', 'e3', 'young']);
      assert.deepEqual(await left('plan_violations'), ['e3', 'young']);
      assert.deepEqual(await store.removeExpiredEvents('shop', cutoff, { after: '', limit: 2 }), {
        removed: 1,
        next: null,
      });
      assert.deepEqual(await left('events'), ['blog-old', 'young']);
      await assert.rejects(store.removeExpiredEvents('shop', cutoff, { after: '', limit: 0 }), RangeError);
    }));

  it('retention: removes a stale document whole, window by window, and never a document still changing', () =>
    withStore(async (store, database) => {
      const a = await store.createDevice('shop', 'anon-a', 'hash-a');
      const b = await store.createDevice('shop', 'anon-b', 'hash-b');
      await store.mergeRecords('shop', a.profileId, [
        record('chat', 'm:1'),
        record('chat', 'm:2'),
        record('form:checkout', 'email'),
        record('cart', 'mug'),
      ]);
      await store.mergeRecords('shop', b.profileId, [
        record('chat', 'm:1'),
        record('form:checkout', 'email'),
      ]);
      await database.exec('UPDATE records SET received_at = $1', [Date.now() - 10 * DAY]);
      // b's conversation got a message lately: it stays whole.
      await store.mergeRecords('shop', b.profileId, [record('chat', 'm:2')]);
      // The farthest a device of a's has pulled.
      const pulled = (await store.recordsSince('shop', a.profileId, 0, 1000)).cursor;
      const cutoff = new Date(Date.now() - 5 * DAY);
      let removed = 0;
      let step = { after: '', limit: 2 };
      for (let calls = 0; calls < 10; calls += 1) {
        const result = await store.removeStaleDocuments('shop', 'chat', cutoff, step);
        removed += result.removed;
        if (result.next === null) break;
        step = { ...step, after: result.next };
      }
      assert.equal(removed, 2);
      const keys = (await database.rows('records')).map(
        (row) => `${row.profile_id === a.profileId ? 'a' : 'b'} ${row.doc} ${row.key}`,
      );
      assert.deepEqual(keys.sort(), [
        'a cart mug',
        'a form:checkout email',
        'b chat m:1',
        'b chat m:2',
        'b form:checkout email',
      ]);
      assert.deepEqual(await store.removeStaleDocuments('shop', 'drafts', cutoff, FROM_START), {
        removed: 2,
        next: null,
      });
      // a's devices reset on their next pull, whatever cursor they hold.
      assert.ok((await store.compactionWatermark('shop', a.profileId)) >= pulled);
    }));

  it('retention: removes an inactive anonymous profile over several calls when it holds more records than one allows', () =>
    withStore(async (store, database) => {
      const gone = await store.createDevice('shop', 'anon-gone', 'hash-gone');
      const kept = await store.createDevice('shop', 'anon-kept', 'hash-kept');
      await store.mergeRecords(
        'shop',
        gone.profileId,
        [1, 2, 3, 4, 5].map((i) => record('cart', `sku-${i}`)),
      );
      await store.mergeRecords('shop', kept.profileId, [record('cart', 'sku-1')]);
      for (const table of ['profiles', 'devices']) {
        await database.exec(`UPDATE ${table} SET created_at = $1`, [ago(10)]);
      }
      await database.exec('UPDATE records SET received_at = $1', [Date.now() - 10 * DAY]);
      await database.exec('UPDATE records SET received_at = $1 WHERE profile_id = $2', [
        Date.now(),
        kept.profileId,
      ]);
      const cutoff = new Date(Date.now() - 5 * DAY);
      const first = await store.removeInactiveAnonymousProfiles('shop', cutoff, { after: '', limit: 2 });
      // Its device went first; two records went, the window is looked at again.
      assert.deepEqual(first, { removed: 0, next: '' });
      assert.deepEqual(
        (await database.rows('devices')).map((row) => row.id),
        [kept.deviceId],
      );
      assert.deepEqual(await store.removeInactiveAnonymousProfiles('shop', cutoff, { after: '', limit: 2 }), {
        removed: 0,
        next: '',
      });
      const last = await store.removeInactiveAnonymousProfiles('shop', cutoff, { after: '', limit: 2 });
      assert.equal(last.removed, 1);
      assert.deepEqual(
        (await database.rows('profiles')).map((row) => row.id),
        [kept.profileId],
      );
      assert.equal((await database.rows('records')).length, 1);
      // Another site's rule never reaches the shop's profiles.
      assert.deepEqual(await store.removeInactiveAnonymousProfiles('blog', cutoff, FROM_START), {
        removed: 0,
        next: null,
      });
    }));
}
