// Merges on PostgreSQL: pushes to different profiles run at once, and pushes to one profile take
// turns, so a puller never sees a record numbered after one still to be committed. A transaction held
// open on a record row (as a slow push or a long maintenance statement would) makes a merge of that
// profile wait where it writes, with whatever locks it took before.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openPostgresStore, type Store, type SyncRecord } from '../../server/index.ts';
import { startPostgres } from './postgres.ts';

const cluster = await startPostgres();
after(() => cluster.stop());

const SITE = 'shop';
const record = (key: string, at: number, qty = 1): SyncRecord => ({
  doc: 'cart',
  key,
  value: { qty },
  hlc: `${at.toString(36).padStart(9, '0')}-000-merge-locks`,
  deleted: false,
});

/** A store and a raw connection on a fresh database; both closed after `test`. */
async function withStore(test: (store: Store, raw: pg.Client, url: string) => Promise<void>): Promise<void> {
  const database = await cluster.database();
  const store = await openPostgresStore(database.url);
  const raw = new pg.Client({ connectionString: database.url });
  await raw.connect();
  try {
    await test(store, raw, database.url);
  } finally {
    await raw.end();
    await store.close();
    await database.remove();
  }
}

/** Holds the row of `key` of `profileId` locked in an open transaction on `raw`; call the result to end it. */
async function holdRow(raw: pg.Client, profileId: string, key: string): Promise<() => Promise<void>> {
  await raw.query('BEGIN');
  const { rowCount } = await raw.query(
    'SELECT 1 FROM records WHERE site_id = $1 AND profile_id = $2 AND key = $3 FOR UPDATE',
    [SITE, profileId, key],
  );
  assert.equal(rowCount, 1);
  return async () => void (await raw.query('ROLLBACK'));
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timeout = sleep(ms, false, { ref: false });
  return Promise.race([promise.then(() => true), timeout]);
}

describe('PostgreSQL merges', () => {
  it('a push to one profile does not wait for a push to another profile that is held up', async () => {
    await withStore(async (store, raw) => {
      const now = Date.now();
      await store.mergeRecords(SITE, 'profile-a', [record('line', now)]);
      const release = await holdRow(raw, 'profile-a', 'line');
      // Waits on the held row, inside its transaction, holding whatever it locked first.
      const heldUp = store.mergeRecords(SITE, 'profile-a', [record('line', now + 1, 2)]);
      try {
        await sleep(100);
        const other = store.mergeRecords(SITE, 'profile-b', [record('line', now)]);
        assert.equal(await settlesWithin(other, 2000), true, "profile B's push waited for profile A's");
        assert.equal((await other).written, 1);
        assert.equal(await settlesWithin(heldUp, 100), false, "profile A's push went past the held row");
      } finally {
        await release();
      }
      assert.equal((await heldUp).written, 1);
    });
  });

  it('pushes to one profile take turns: a puller never skips a record committed after a higher one', async () => {
    await withStore(async (store, raw) => {
      const now = Date.now();
      const first = await store.mergeRecords(SITE, 'profile', [record('held', now)]);
      const release = await holdRow(raw, 'profile', 'held');
      // The first push is held up where it writes; the second, of another key, is free to write.
      const slow = store.mergeRecords(SITE, 'profile', [record('held', now + 1, 2)]);
      await sleep(100);
      const fast = store.mergeRecords(SITE, 'profile', [record('other', now + 1)]);
      await sleep(300);
      // A pull now must not hand out a cursor past a number the held-up push will still commit.
      const seen = new Map<string, string>();
      let cursor = first.cursor;
      const pull = async () => {
        const page = await store.recordsSince(SITE, 'profile', cursor, 1000);
        for (const found of page.records) seen.set(found.key, found.hlc);
        cursor = page.cursor;
      };
      await pull();
      await release();
      const [slowResult, fastResult] = await Promise.all([slow, fast]);
      assert.equal(slowResult.written + fastResult.written, 2);
      await pull();
      assert.deepEqual(Object.fromEntries(seen), {
        held: record('held', now + 1).hlc,
        other: record('other', now + 1).hlc,
      });
    });
  });

  it('many concurrent pushes to one profile, pulled all along, lose nothing', async () => {
    await withStore(async (store) => {
      const now = Date.now();
      const seen = new Set<string>();
      let cursor = 0;
      let pushing = true;
      const puller = (async () => {
        while (pushing) {
          const page = await store.recordsSince(SITE, 'busy', cursor, 1000);
          for (const found of page.records) seen.add(found.key);
          cursor = page.cursor;
        }
      })();
      const keys = Array.from({ length: 60 }, (_, index) => `line-${index}`);
      await Promise.all(
        keys.map((key, index) => store.mergeRecords(SITE, 'busy', [record(key, now + index)])),
      );
      pushing = false;
      await puller;
      const last = await store.recordsSince(SITE, 'busy', cursor, 1000);
      for (const found of last.records) seen.add(found.key);
      assert.deepEqual([...seen].sort(), [...keys].sort());
    });
  });

  it('record numbers keep growing across an upgrade from the counter row', async () => {
    await withStore(async (store, raw, url) => {
      const before = await store.mergeRecords(SITE, 'profile', [record('line', Date.now())]);
      // As a database from before the sequence would hold: numbers up to the counter's are taken.
      await raw.query("UPDATE counters SET value = $1 WHERE name = 'record_seq'", [before.cursor + 1000]);
      await raw.query('DROP SEQUENCE record_seq');
      // Back to version 3: what the later migrations made goes too (erasure's tables, retention's
      // index, the consent receipts, the webhook deliveries, the console's sessions, the kind of
      // handoffs that in-store codes brought).
      await raw.query(`
        DROP INDEX events_by_received_at, devices_by_anonymous_id, handoffs_by_creator, handoffs_by_claimer;
        DROP TABLE erased_tokens, erasure_suppressions, erasure_receipts, consent_receipts, webhook_deliveries,
          staff_sessions;
        ALTER TABLE devices DROP COLUMN first_profile_id;
        ALTER TABLE handoffs DROP COLUMN kind;
        DELETE FROM schema_migrations WHERE version >= 4;
      `);
      await store.close();
      const reopened = await openPostgresStore(url);
      try {
        const after = await reopened.mergeRecords(SITE, 'profile', [record('other', Date.now())]);
        assert.ok(after.cursor > before.cursor + 1000, `cursor ${after.cursor}`);
      } finally {
        await reopened.close();
      }
    });
  });
});
