// What every Store must do, whatever the database: run once per engine by store.test.ts (SQLite) and
// postgres.test.ts (PostgreSQL), each test on a fresh database of its own.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PlanViolation, Store, SyncRecord } from '../../server/index.ts';
import { EVENTS_SCHEMA as POSTGRES_EVENTS_V1 } from '../../server/store/postgres-events.ts';
import { POSTGRES_MIGRATIONS } from '../../server/store/postgres-migrations.ts';
import { EVENTS_SCHEMA as SQLITE_EVENTS_V1 } from '../../server/store/sqlite-events.ts';
import { SQLITE_MIGRATIONS } from '../../server/store/sqlite-migrations.ts';
import { cleanupCases } from './cleanup-cases.ts';
import { trackEvent } from './helpers.ts';
import { retentionCases } from './retention-cases.ts';
import type { TestDatabaseFactory } from './test-database.ts';
import { version1Schema } from './version-1.ts';

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

  it("stores the events' JSON the caller passes (the server's check made it) as their bodies", () =>
    withStore(async (store) => {
      const events = [trackEvent({ messageId: 'j-1' }), trackEvent({ messageId: 'j-2' })];
      // Key order is the client's: the JSON given is what is kept, byte for byte.
      const json = events.map((event) => JSON.stringify({ ...event, extra: 'from the json' }));
      assert.deepEqual(await store.insertEvents('shop', events, { json }), { inserted: 2, duplicates: 0 });
      const stored = await store.listEvents('shop');
      assert.deepEqual(
        stored.map((e) => e.body),
        events.map((event) => ({ ...event, extra: 'from the json' })),
      );
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

  it('pages through events in the order they arrived, by the time the server received them', () =>
    withStore(async (store) => {
      await store.insertEvents('shop', [
        trackEvent({ messageId: 'a', userId: 'mei' }),
        trackEvent({ messageId: 'b', userId: 'lin' }),
        trackEvent({ messageId: 'c', userId: 'mei' }),
      ]);
      // Milliseconds apart from both batches: receivedAt has millisecond precision.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const between = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.insertEvents('shop', [trackEvent({ messageId: 'd', userId: 'mei' })]);
      const ids = (page: { events: { messageId: string }[] }) => page.events.map((e) => e.messageId);

      const first = await store.pageEvents('shop', { userId: 'mei', limit: 2 });
      assert.deepEqual(ids(first), ['a', 'c']);
      assert.ok(first.next, 'a full page says where the next one starts');
      const second = await store.pageEvents('shop', { userId: 'mei', limit: 2, after: first.next });
      assert.deepEqual(ids(second), ['d']);
      assert.equal(second.next, undefined, 'the last page is not full');
      // A page's `next` holds for other filters too: it is a position in arrival order.
      assert.deepEqual(ids(await store.pageEvents('shop', { after: first.next })), ['d']);

      assert.deepEqual(ids(await store.pageEvents('shop', { receivedFrom: between })), ['d']);
      assert.deepEqual(ids(await store.pageEvents('shop', { receivedBefore: between })), ['a', 'b', 'c']);
      assert.deepEqual(await store.pageEvents('blog', {}), { events: [] });
    }));

  it('deduplicates per credential: an event sent with the write key never shadows the server key', () =>
    withStore(async (store) => {
      // Anyone may guess the POS's messageId and send it with the public write key first.
      const forged = trackEvent({ messageId: 'pos-r-981', event: 'Order Completed', userId: 'u-1' });
      const receipt = trackEvent({ messageId: 'pos-r-981', event: 'Order Completed', userId: 'u-1' });
      assert.deepEqual(await store.insertEvents('shop', [forged], { credential: 'public' }), {
        inserted: 1,
        duplicates: 0,
      });
      assert.deepEqual(await store.insertEvents('shop', [receipt], { credential: 'server' }), {
        inserted: 1,
        duplicates: 0,
      });
      // Each credential still deduplicates its own re-sends; no option means the public write key.
      assert.deepEqual(await store.insertEvents('shop', [receipt], { credential: 'server' }), {
        inserted: 0,
        duplicates: 1,
      });
      assert.deepEqual(await store.insertEvents('shop', [forged]), { inserted: 0, duplicates: 1 });

      const stored = await store.listEvents('shop', { messageId: 'pos-r-981' });
      assert.deepEqual(
        stored.map((e) => [e.messageId, e.credential]),
        [
          ['pos-r-981', 'public'],
          ['pos-r-981', 'server'],
        ],
      );
      assert.deepEqual(
        (await store.listEvents('shop', { credential: 'server' })).map((e) => e.body),
        [receipt],
      );
      const owners = { anonymousIds: [], userId: 'u-1' };
      assert.deepEqual(
        (await store.eventsOf('shop', owners, { limit: 10, credential: 'server' })).map((e) => e.credential),
        ['server'],
      );
    }));

  it('upgrades a version-1 database holding events, keeping them (as sent with the write key) in order', async () => {
    const database = await fresh();
    try {
      const row = (id: string, at: string) =>
        `('shop', '${id}', 'track', 'anon-old', NULL, 'Old Event', '${at}', '${at}',
          '{"type":"track","messageId":"${id}","event":"Old Event","anonymousId":"anon-old"}')`;
      // Inserted out of timestamp order: listEvents answers in arrival order, which must survive.
      await database.exec(
        `${database.engine === 'postgres' ? POSTGRES_EVENTS_V1 : SQLITE_EVENTS_V1}
         INSERT INTO events (site_id, message_id, type, anonymous_id, user_id, event, timestamp, received_at, body)
         VALUES ${row('old-2', '2025-01-02T00:00:00.000Z')}, ${row('old-1', '2025-01-01T00:00:00.000Z')};`,
      );
      const store = await database.open();
      try {
        const events = await store.listEvents('shop');
        assert.deepEqual(
          events.map((e) => [e.messageId, e.credential, e.event, e.body.anonymousId]),
          [
            ['old-2', 'public', 'Old Event', 'anon-old'],
            ['old-1', 'public', 'Old Event', 'anon-old'],
          ],
        );
        const again = trackEvent({ messageId: 'old-1' });
        assert.deepEqual(await store.insertEvents('shop', [again]), { inserted: 0, duplicates: 1 });
        assert.deepEqual(await store.insertEvents('shop', [again], { credential: 'server' }), {
          inserted: 1,
          duplicates: 0,
        });
      } finally {
        await store.close();
      }
    } finally {
      await database.remove();
    }
  });

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

  it('answers a ping while open, and rejects it once closed', async () => {
    const database = await fresh();
    const store = await database.open();
    try {
      await store.ping();
    } finally {
      await store.close();
    }
    await assert.rejects(store.ping());
    await database.remove();
  });

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

  it('upgrades a version-1 database holding records: each keeps its value and gets a receive position and time', async () => {
    const database = await fresh();
    try {
      await database.exec(version1Schema(database.engine));
      for (const profile of ['p1', 'p2']) {
        await database.exec(
          'INSERT INTO profiles (id, site_id, user_id, created_at) VALUES ($1, $2, NULL, $3)',
          [profile, 'shop', '2026-01-01T00:00:00.000Z'],
        );
      }
      const rows: [string, string, string, string, number, boolean][] = [
        ['p1', 'chat', 'm:old', '{"text":"old","from":"customer","at":1}', 1, false],
        ['p2', 'chat', 'm:new', '{"text":"new","from":"customer","at":1}', 2, false],
        ['p1', 'cart', 'mug', '{"qty":2}', 3, false],
        ['p1', 'cart', 'tee', 'null', 4, true],
      ];
      for (const [profile, doc, key, value, seq, deleted] of rows) {
        await database.exec(
          `INSERT INTO records (site_id, profile_id, doc, key, value, hlc, deleted, seq)
           VALUES ('shop', $1, $2, $3, $4, $5, ${deleted ? 'TRUE' : 'FALSE'}, $6)`,
          [profile, doc, key, value, hlcAt(seq * 1000), seq],
        );
      }
      await database.exec("UPDATE counters SET value = 4 WHERE name = 'record_seq'");

      const store = await database.open();
      try {
        const applied = (await database.rows('schema_migrations')).map((row) => Number(row.version));
        assert.ok(applied.includes(2), `migration 2 applied: ${applied}`);
        assert.deepEqual(
          (await store.liveRecords('shop', 'p1', 'cart')).map((r) => [r.key, r.value]),
          [['mug', { qty: 2 }]],
        );
        assert.equal((await store.recordsSince('shop', 'p1', 0, 10)).records.length, 3);
        const [old] = await store.receivedRecords('shop', 'p1', 'chat');
        assert.deepEqual(
          [old.key, old.value, old.received, old.receivedAt],
          ['m:old', { text: 'old', from: 'customer', at: 1 }, 1, 1_700_000_001_000],
        );
        assert.deepEqual(
          (await store.conversations('shop', 10)).map((c) => [c.profileId, c.lastReceived]),
          [
            ['p2', 2],
            ['p1', 1],
          ],
        );
        // A record stored after the upgrade is received after every old one.
        const before = Date.now();
        await store.mergeRecords('shop', 'p1', [{ ...record('m:later', hlcAt(5000)), doc: 'chat' }]);
        const later = (await store.receivedRecords('shop', 'p1', 'chat')).find((r) => r.key === 'm:later');
        assert.ok(later && later.received > 4 && later.receivedAt >= before, JSON.stringify(later));
        assert.deepEqual(
          (await store.conversations('shop', 10)).map((c) => c.profileId),
          ['p1', 'p2'],
        );
      } finally {
        await store.close();
      }
    } finally {
      await database.remove();
    }
  });

  it('keeps the order in which records were received through tombstone compaction, which renumbers seq', () =>
    withStore(async (store) => {
      const chat = (key: string, hlc: string) => ({ ...record(key, hlc), doc: 'chat' });
      // The list shows profiles that exist: two devices' own.
      const { profileId: p1 } = await store.createDevice('shop', 'anon-1', 'hash-1');
      const { profileId: p2 } = await store.createDevice('shop', 'anon-2', 'hash-2');
      await store.mergeRecords('shop', p1, [chat('m:a', hlcAt(10)), record('gone', hlcAt(10))]);
      await store.mergeRecords('shop', p1, [{ ...record('gone', hlcAt(20)), value: null, deleted: true }]);
      await store.mergeRecords('shop', p2, [chat('m:b', hlcAt(30))]);
      const received = async (profile: string) =>
        (await store.receivedRecords('shop', profile, 'chat')).map((r) => r.received);
      const [a, b] = [await received(p1), await received(p2)];
      assert.ok(a[0] < b[0]);
      const cursorBefore = await store.profileCursor('shop', p1);

      const compacted = await store.compactTombstones(1_700_000_000_000 + 25);
      assert.equal(compacted.removed, 1);
      // Compaction moved p1's records above every other number (its pull cursor grew)...
      assert.ok((await store.profileCursor('shop', p1)) > cursorBefore);
      // ...but not when they were received: p2's message is still the later one.
      assert.deepEqual(await received(p1), a);
      assert.deepEqual(
        (await store.conversations('shop', 10)).map((c) => c.profileId),
        [p2, p1],
      );
    }));

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

  it('tells what a merge wrote, as a pull from the cursor before it would read it back', () =>
    withStore(async (store) => {
      const first = await store.mergeRecords('shop', 'p1', [record('a', hlcAt(1)), record('b', hlcAt(1))]);
      assert.equal(first.from, 0, 'an empty profile starts at 0');
      assert.deepEqual(first.records, (await store.recordsSince('shop', 'p1', 0, 10)).records);
      // Another profile's changes move the global counter, not this profile's cursor.
      await store.mergeRecords('shop', 'p2', [record('x', hlcAt(1))]);

      const second = await store.mergeRecords('shop', 'p1', [
        record('a', hlcAt(0), 'stale'), // loses: not written, not told
        record('b', hlcAt(2), 'first'),
        record('b', hlcAt(3), 'second'), // the same key twice: told once, as it ends up
        { doc: 'cart', key: 'c', value: { left: 'behind' }, hlc: hlcAt(2), deleted: true },
        record('d', hlcAt(2), 'kept'),
      ]);
      assert.equal(second.from, first.cursor);
      const pulled = await store.recordsSince('shop', 'p1', second.from, 10);
      const byKey = (records: SyncRecord[]) => [...records].sort((x, y) => (x.key < y.key ? -1 : 1));
      assert.deepEqual(byKey(second.records), byKey(pulled.records));
      assert.deepEqual(
        byKey(second.records).map((r) => [r.key, r.value, r.deleted]),
        [
          ['b', 'second', false],
          ['c', null, true],
          ['d', 'kept', false],
        ],
      );
      assert.equal(second.cursor, pulled.cursor);

      const nothing = await store.mergeRecords('shop', 'p1', [record('a', hlcAt(0))]);
      assert.deepEqual([nothing.written, nothing.records], [0, []]);
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

  it('refuses a handoff claim from a device of an identified profile, and leaves the handoff claimable', () =>
    withStore(async (store) => {
      const owner = await store.createDevice('shop', 'anon-owner', 'hash-owner');
      const signedIn = await store.createDevice('shop', 'anon-signed-in', 'hash-signed-in');
      const account = await store.linkDeviceToUser(signedIn.deviceId, 'user-1');
      const guest = await store.createDevice('shop', 'anon-guest', 'hash-guest');
      const now = new Date();
      await store.createHandoff({
        tokenHash: 'handoff-1',
        siteId: 'shop',
        profileId: owner.profileId,
        createdBy: owner.deviceId,
        expiresAt: new Date(now.getTime() + 60_000),
      });
      assert.deepEqual(await store.claimHandoff('shop', 'handoff-1', signedIn.deviceId, now), {
        ok: false,
        reason: 'identified_device',
      });
      assert.equal((await store.deviceByTokenHash('hash-signed-in'))?.profileId, account.profileId);
      assert.equal((await store.findHandoff('shop', 'handoff-1'))?.claimedAt, null);
      assert.deepEqual(await store.claimHandoff('shop', 'handoff-1', guest.deviceId, now), {
        ok: true,
        profileId: owner.profileId,
        previousProfileId: guest.profileId,
      });
    }));

  it('ends the outstanding handoffs of a profile, and only those', () =>
    withStore(async (store) => {
      const phone = await store.createDevice('shop', 'anon-phone', 'hash-phone');
      const other = await store.createDevice('shop', 'anon-other', 'hash-other');
      const laptop = await store.createDevice('shop', 'anon-laptop', 'hash-laptop');
      const now = new Date();
      const later = new Date(now.getTime() + 60_000);
      const handoff = (tokenHash: string, device: { deviceId: string; profileId: string }) =>
        store.createHandoff({
          tokenHash,
          siteId: 'shop',
          profileId: device.profileId,
          createdBy: device.deviceId,
          expiresAt: later,
        });
      await handoff('claimed', phone);
      await handoff('open-1', phone);
      await handoff('open-2', phone);
      await handoff('someone-else', other);
      assert.equal((await store.claimHandoff('shop', 'claimed', laptop.deviceId, now)).ok, true);

      assert.equal(await store.endHandoffs('shop', phone.profileId, now), 2);
      for (const tokenHash of ['open-1', 'open-2']) {
        assert.deepEqual(await store.claimHandoff('shop', tokenHash, laptop.deviceId, now), {
          ok: false,
          reason: 'expired',
        });
        assert.ok((await store.findHandoff('shop', tokenHash))!.expiresAt <= now);
      }
      assert.deepEqual(await store.claimHandoff('shop', 'claimed', other.deviceId, now), {
        ok: false,
        reason: 'used',
      });
      assert.equal((await store.findHandoff('shop', 'someone-else'))?.expiresAt.getTime(), later.getTime());
      assert.equal(await store.endHandoffs('shop', phone.profileId, now), 0, 'nothing left to end');
      assert.equal(
        await store.endHandoffs('blog', other.profileId, now),
        0,
        'another site’s call ends nothing',
      );
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

  it("measures a profile's records and UTF-8 bytes, and merges under a quota all or nothing", () =>
    withStore(async (store) => {
      // doc "cart" (4) + key + the JSON value, in UTF-8 bytes: "中" is 3, "é" 2.
      await store.mergeRecords('shop', 'p1', [record('中', hlcAt(1), 'é'), record('b', hlcAt(1), { q: 1 })]);
      await store.mergeRecords('blog', 'p1', [record('x', hlcAt(1))]);
      assert.deepEqual(await store.profileUsage('shop', 'p1'), {
        records: 2,
        bytes: 4 + 3 + 4 + (4 + 1 + 7),
      });
      assert.deepEqual(await store.profileUsage('shop', 'nobody'), { records: 0, bytes: 0 });

      const quota = { records: 3, bytes: 100 };
      // Two new keys where one fits: nothing of the push is written.
      const refused = await store.mergeRecords(
        'shop',
        'p1',
        [record('b', hlcAt(2), { q: 2 }), record('c', hlcAt(2)), record('d', hlcAt(2))],
        [],
        quota,
      );
      assert.deepEqual(refused, {
        written: 0,
        cursor: 0,
        from: 0,
        records: [],
        overQuota: { limit: 'records', usage: { records: 4, bytes: 23 + 2 * (4 + 1 + 11) } },
      });
      assert.deepEqual(
        (await store.liveRecords('shop', 'p1', 'cart')).map((r) => r.value),
        [{ q: 1 }, 'é'],
      );
      // A stale record grows nothing, whatever it holds; a removal shrinks.
      const stale = await store.mergeRecords(
        'shop',
        'p1',
        [record('c', hlcAt(2)), record('b', hlcAt(0), 'x'.repeat(500))],
        [],
        quota,
      );
      assert.equal(stale.overQuota, undefined);
      const removal = { ...record('中', hlcAt(3), null), deleted: true };
      assert.equal((await store.mergeRecords('shop', 'p1', [removal], [], quota)).written, 1);
      assert.deepEqual(await store.profileUsage('shop', 'p1'), { records: 3, bytes: 11 + 12 + 16 });
      const big = await store.mergeRecords('shop', 'p1', [record('b', hlcAt(4), 'y'.repeat(100))], [], quota);
      assert.equal(big.overQuota?.limit, 'bytes');
    }));

  cleanupCases(fresh);
  retentionCases(fresh);
}

/** An HLC at `ms` of `replica`. */
function hlcAt(ms: number, replica = '1'): string {
  return `${(1_700_000_000_000 + ms).toString(36).padStart(9, '0')}-000-${replica}`;
}

function record(key: string, hlc: string, value: unknown = { key }): SyncRecord {
  return { doc: 'cart', key, value, hlc, deleted: false };
}
