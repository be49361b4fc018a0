import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../server/index.ts';
import { trackEvent } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite event store', () => {
  it('creates the parent directory and uses WAL mode', async () => {
    const file = join(dir, 'nested', 'deeper', 'events.db');
    const store = openSqliteStore(file);
    await store.close();
    assert.ok(existsSync(file));
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('stores events, deduplicates on (site, messageId) and lists oldest first', async () => {
    const store = openSqliteStore(':memory:');
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
    await store.close();
  });

  it('filters by identity, type, messageId and limit', async () => {
    const store = openSqliteStore(':memory:');
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
    await store.close();
  });

  it('falls back to receivedAt when the event has no timestamp', async () => {
    const store = openSqliteStore(':memory:');
    await store.insertEvents('shop', [trackEvent({ messageId: 'x', timestamp: undefined })]);
    const [event] = await store.listEvents('shop');
    assert.equal(event.timestamp, event.receivedAt);
    await store.close();
  });

  it('persists across close and reopen; reset deletes everything', async () => {
    const file = join(dir, 'persist.db');
    const store = openSqliteStore(file);
    await store.insertEvents('shop', [trackEvent({ messageId: 'keep-me' })]);
    await store.close();
    await store.close(); // closing twice is harmless

    const reopened = openSqliteStore(file);
    assert.deepEqual(
      (await reopened.listEvents('shop')).map((e) => e.messageId),
      ['keep-me'],
    );
    assert.deepEqual(await reopened.insertEvents('shop', [trackEvent({ messageId: 'keep-me' })]), {
      inserted: 0,
      duplicates: 1,
    });
    await reopened.reset();
    assert.deepEqual(await reopened.listEvents('shop'), []);
    await reopened.close();
  });
});
