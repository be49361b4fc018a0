// What every Store must do, whatever the database: run once per engine by store.test.ts (SQLite) and
// postgres.test.ts (PostgreSQL), each test on a fresh database of its own.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PlanViolation, Store, SyncRecord } from '../../server/index.ts';
import { POSTGRES_MIGRATIONS } from '../../server/store/postgres-migrations.ts';
import { SQLITE_MIGRATIONS } from '../../server/store/sqlite-migrations.ts';
import { trackEvent } from './helpers.ts';
import type { TestDatabaseFactory } from './test-database.ts';

/** Registers the shared store tests in the enclosing `describe`. */
export function storeCases(fresh: TestDatabaseFactory): void {
  /** A store on a fresh database, closed and removed after `test`. */
  const withStore = async (test: (store: Store) => Promise<void>) => {
    const database = await fresh();
    const store = await database.open();
    try {
      await test(store);
    } finally {
      await store.close();
      await database.remove();
    }
  };

  it('stores events, deduplicates on (site, messageId) and lists oldest first', () =>
    withStore(async (store) => {
      const first = trackEvent({ messageId: 'm-1' });
      const second = trackEvent({ messageId: 'm-2', type: 'identify', userId: 'u-1', event: undefined });
      assert.deepEqual(await store.insertEvents('shop', [first, second]), { inserted: 2, duplicates: 0 });
      // Same messageId again (even in the same batch) is a duplicate; another site may reuse it.
      assert.deepEqual(await store.insertEvents('shop', [first, trackEvent({ messageId: 'm-3' }), first]), {
        inserted: 1,
        duplicates: 2,
      });
      assert.deepEqual(await store.insertEvents('blog', [first]), { inserted: 1, duplicates: 0 });

      const events = await store.listEvents('shop');
      assert.deepEqual(
        events.map((e) => e.messageId),
        ['m-1', 'm-2', 'm-3'],
      );
      const [stored] = events;
      assert.equal(stored.siteId, 'shop');
      assert.equal(stored.type, 'track');
      assert.equal(stored.event, 'Product Added');
      assert.equal(stored.anonymousId, 'anon-1');
      assert.equal(stored.userId, null);
      assert.equal(stored.timestamp, '2026-01-02T03:04:05.000Z');
      assert.ok(Date.parse(stored.receivedAt) > Date.now() - 60_000);
      assert.deepEqual(stored.body, first);
    }));

  it('filters by identity, type, messageId and limit', () =>
    withStore(async (store) => {
      await store.insertEvents('shop', [
        trackEvent({ messageId: 'a', anonymousId: 'anon-A' }),
        trackEvent({ messageId: 'b', anonymousId: 'anon-B', userId: 'user-1' }),
        trackEvent({ messageId: 'c', type: 'page', anonymousId: 'anon-B', event: undefined }),
        trackEvent({ messageId: 'd', anonymousId: 'anon-B' }),
      ]);
      const ids = async (filter: Parameters<typeof store.listEvents>[1]) =>
        (await store.listEvents('shop', filter)).map((e) => e.messageId);
      assert.deepEqual(await ids({ anonymousId: 'anon-B' }), ['b', 'c', 'd']);
      assert.deepEqual(await ids({ userId: 'user-1' }), ['b']);
      assert.deepEqual(await ids({ type: 'page' }), ['c']);
      assert.deepEqual(await ids({ messageId: 'd' }), ['d']);
      assert.deepEqual(await ids({ anonymousId: 'anon-B', type: 'track', limit: 1 }), ['b']);
      assert.deepEqual(await ids({ anonymousId: 'nobody' }), []);
      assert.deepEqual(await store.listEvents('blog'), []);
    }));

  it('stores plan violations with their events, once per event however often it is re-sent', () =>
    withStore(async (store) => {
      const event = trackEvent({ messageId: 'v-1' });
      const violation = (path: string): PlanViolation => ({
        messageId: 'v-1',
        event: 'Product Added',
        path,
        kind: 'unexpected_property',
        message: `"${path}" is not in the plan`,
      });
      const violations = [violation('color'), violation('size')];
      assert.deepEqual(await store.insertEvents('shop', [event], { violations }), {
        inserted: 1,
        duplicates: 0,
      });
      assert.deepEqual(await store.insertEvents('shop', [event], { violations }), {
        inserted: 0,
        duplicates: 1,
      });
      const report = await store.planReport('shop');
      assert.deepEqual(
        report.map((row) => [row.path, row.count]),
        [
          ['color', 1],
          ['size', 1],
        ],
      );
    }));

  it('a failure while storing the violations stores none of the events either', () =>
    withStore(async (store) => {
      const events = [trackEvent({ messageId: 'f-1' }), trackEvent({ messageId: 'f-2' })];
      // The database refuses the second violation (NOT NULL): the whole insert must fail as one.
      const violations = [
        { messageId: 'f-1', event: 'Product Added', path: 'a', kind: 'k', message: 'm' },
        { messageId: 'f-2', event: 'Product Added', path: 'b', kind: 'k', message: null },
      ] as unknown as PlanViolation[];
      await assert.rejects(store.insertEvents('shop', events, { violations }));
      assert.deepEqual(await store.listEvents('shop'), []);
      assert.deepEqual(await store.planReport('shop'), []);
      // The client re-sends: everything is stored, nothing is taken for a duplicate.
      assert.deepEqual(await store.insertEvents('shop', events, { violations: violations.slice(0, 1) }), {
        inserted: 2,
        duplicates: 0,
      });
      assert.equal((await store.planReport('shop')).length, 1);
    }));

  it('falls back to receivedAt when the event has no timestamp', () =>
    withStore(async (store) => {
      await store.insertEvents('shop', [trackEvent({ messageId: 'x', timestamp: undefined })]);
      const [event] = await store.listEvents('shop');
      assert.equal(event.timestamp, event.receivedAt);
    }));

  it('persists across close and reopen; reset deletes everything but sequence numbers keep growing', async () => {
    const database = await fresh();
    const store = await database.open();
    await store.insertEvents('shop', [trackEvent({ messageId: 'keep-me' })]);
    const { cursor } = await store.mergeRecords('shop', 'p1', [record('a', hlcAt(1))]);
    await store.close();
    await store.close(); // closing twice is harmless

    const reopened = await database.open();
    try {
      assert.deepEqual(
        (await reopened.listEvents('shop')).map((e) => e.messageId),
        ['keep-me'],
      );
      assert.deepEqual(await reopened.insertEvents('shop', [trackEvent({ messageId: 'keep-me' })]), {
        inserted: 0,
        duplicates: 1,
      });
      assert.equal(await reopened.profileCursor('shop', 'p1'), cursor);
      await reopened.reset();
      assert.deepEqual(await reopened.listEvents('shop'), []);
      assert.equal(await reopened.profileCursor('shop', 'p1'), 0);
      const after = await reopened.mergeRecords('shop', 'p1', [record('a', hlcAt(1))]);
      assert.ok(after.cursor > cursor, 'no old cursor can skip a record written after the reset');
    } finally {
      await reopened.close();
      await database.remove();
    }
  });

  it('records its schema version, and opening it again migrates nothing twice', async () => {
    const database = await fresh();
    try {
      await (await database.open()).close();
      await (await database.open()).close();
      const applied = (await database.rows('schema_migrations')).map((row) => Number(row.version));
      const expected = (database.engine === 'postgres' ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS).map(
        (m) => m.version,
      );
      assert.deepEqual(
        applied.sort((a, b) => a - b),
        expected,
      );
    } finally {
      await database.remove();
    }
  });

  it('compares HLCs and orders keys byte by byte, as JavaScript does, whatever the collation', () =>
    withStore(async (store) => {
      // "Z" < "a" in bytes; most locales say the opposite.
      await store.mergeRecords('shop', 'p1', [record('k', hlcAt(5, 'a'))]);
      const stale = await store.mergeRecords('shop', 'p1', [record('k', hlcAt(5, 'Z'), 'stale')]);
      assert.equal(stale.written, 0);
      await store.mergeRecords('shop', 'p1', [
        record('a', hlcAt(1)),
        record('B', hlcAt(1)),
        record('_', hlcAt(1)),
      ]);
      const live = await store.liveRecords('shop', 'p1', 'cart');
      assert.deepEqual(
        live.map((r) => [r.key, r.hlc.slice(-1)]),
        [
          ['B', '1'],
          ['_', '1'],
          ['a', '1'],
          ['k', 'a'],
        ],
      );
    }));

  it('concurrent merges get gap-free, increasing sequence numbers a concurrent puller never skips', () =>
    withStore(async (store) => {
      const writers = 8;
      const perWriter = 12;
      const before = (await store.mergeRecords('shop', 'p0', [record('x', hlcAt(1))])).cursor;
      const seen: string[] = [];
      let cursor = 0;
      let writing = true;
      // Pulls as a device would while the writers run: any record committed out of order would be
      // passed over by the cursor and never seen (every key is written once, so nothing re-sends it).
      const puller = (async () => {
        for (;;) {
          const done = !writing;
          const page = await store.recordsSince('shop', 'p1', cursor, 5);
          seen.push(...page.records.map((r) => r.key));
          cursor = page.cursor;
          if (done && !page.more) return;
          if (!page.more) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const results = await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const cursors: number[] = [];
          for (let i = 0; i < perWriter; i += 1) {
            const keys = [`w${w}-${i}-a`, `w${w}-${i}-b`];
            const merged = await store.mergeRecords(
              'shop',
              'p1',
              keys.map((k) => record(k, hlcAt(10))),
            );
            assert.equal(merged.written, 2);
            cursors.push(merged.cursor);
          }
          return cursors;
        }),
      );
      writing = false;
      await puller;

      const total = writers * perWriter * 2;
      assert.equal(seen.length, total, 'every record pulled exactly once');
      assert.equal(new Set(seen).size, total);
      const last = results.flat().sort((a, b) => a - b);
      assert.equal(new Set(last).size, last.length, 'no two merges share a cursor');
      assert.equal(last[last.length - 1], before + total, 'no number skipped');
      const all = await store.recordsSince('shop', 'p1', 0, total + 1);
      assert.deepEqual([all.records.length, all.cursor, all.more], [total, before + total, false]);
    }));

  it('lets exactly one of two concurrent handoff claims win', () =>
    withStore(async (store) => {
      const owner = await store.createDevice('shop', 'anon-owner', 'hash-owner');
      const a = await store.createDevice('shop', 'anon-a', 'hash-a');
      const b = await store.createDevice('shop', 'anon-b', 'hash-b');
      const now = new Date();
      await store.createHandoff({
        tokenHash: 'handoff-1',
        siteId: 'shop',
        profileId: owner.profileId,
        createdBy: owner.deviceId,
        expiresAt: new Date(now.getTime() + 60_000),
      });
      const claims = await Promise.all([
        store.claimHandoff('shop', 'handoff-1', a.deviceId, now),
        store.claimHandoff('shop', 'handoff-1', b.deviceId, now),
      ]);
      assert.equal(claims.filter((c) => c.ok).length, 1, JSON.stringify(claims));
      assert.deepEqual(
        claims.find((c) => !c.ok),
        { ok: false, reason: 'used' },
      );
      assert.ok((await store.findHandoff('shop', 'handoff-1'))?.claimedAt);
    }));

  it('gives two devices of a new user linking at once the same profile', () =>
    withStore(async (store) => {
      const devices = await Promise.all(
        ['phone', 'laptop', 'tablet'].map((name) =>
          store.createDevice('shop', `anon-${name}`, `hash-${name}`),
        ),
      );
      const links = await Promise.all(devices.map((d) => store.linkDeviceToUser(d.deviceId, 'user-new')));
      assert.equal(new Set(links.map((l) => l.profileId)).size, 1, JSON.stringify(links));
      assert.ok(links.every((l) => l.wasAnonymous));
    }));
}

/** An HLC at `ms` of `replica`. */
function hlcAt(ms: number, replica = '1'): string {
  return `${(1_700_000_000_000 + ms).toString(36).padStart(9, '0')}-000-${replica}`;
}

function record(key: string, hlc: string, value: unknown = { key }): SyncRecord {
  return { doc: 'cart', key, value, hlc, deleted: false };
}
