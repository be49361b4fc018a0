// The sync engine's pure parts: the hybrid logical clock and the last-writer-wins merge (protocol §3).
import { expect } from '@open-wc/testing';
import { HLC_PATTERN as HLC, msOfHlc } from '../../src/protocol/index.ts';
import { openKv } from '../../src/storage/kv.ts';
import { createClock } from '../../src/sync/hlc.ts';
import { type Docs, merge } from '../../src/sync/merge.ts';
import { load, put } from '../../src/sync/store.ts';
import type { SyncRecord } from '../../src/sync/types.ts';

/** Runs `fn` with Date.now() frozen at `ms`. */
function at<T>(ms: number, fn: () => T): T {
  const now = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = now;
  }
}

const snapshot = (docs: Docs) =>
  JSON.stringify(
    [...docs].map(([doc, keys]) => [doc, [...keys].sort(([a], [b]) => (a < b ? -1 : 1))]).sort(),
  );

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 16807) % 2147483647;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('hybrid logical clock', () => {
  it('writes the protocol format, and its string order is its time order', () => {
    const clock = createClock('r1');
    const stamp = at(1_700_000_000_000, () => clock._now());
    expect(stamp).to.match(HLC);
    expect(stamp).to.equal(`${(1_700_000_000_000).toString(36).padStart(9, '0')}-000-r1`);
    expect(msOfHlc(stamp)).to.equal(1_700_000_000_000);
  });

  it('stays strictly increasing within one millisecond, past the counter, and when the wall clock goes back', () => {
    const clock = createClock('r1');
    const stamps = at(1_700_000_000_000, () => Array.from({ length: 50_000 }, () => clock._now()));
    // 46,656 counter values per millisecond: the rest borrow the next millisecond, fixed width kept.
    stamps.push(...at(1_600_000_000_000, () => [clock._now(), clock._now()]));
    for (let i = 1; i < stamps.length; i++) {
      if (!(stamps[i - 1] < stamps[i])) expect.fail(`${stamps[i - 1]} !< ${stamps[i]} at ${i}`);
    }
    for (const stamp of stamps) expect(stamp).to.match(HLC);
  });

  it('moves past a remote HLC it receives, and ignores a malformed one', () => {
    const clock = createClock('local');
    const remote = at(1_800_000_000_000, () => createClock('remote')._now());
    clock._receive('garbage');
    clock._receive(remote);
    const mine = at(1_700_000_000_000, () => clock._now());
    expect(mine > remote).to.equal(true);
    expect(mine).to.match(HLC);
  });
});

describe('last-writer-wins merge', () => {
  const clocks = ['a', 'b', 'c'].map((id) => createClock(id));
  // Writes, removals and stale copies of a few keys from three replicas, interleaved in time.
  const records: SyncRecord[] = [];
  for (let i = 0; i < 60; i++) {
    const clock = clocks[i % 3];
    const key = `k${i % 5}`;
    const hlc = at(1_700_000_000_000 + (i % 7) * 10 + Math.floor(i / 7), () => clock._now());
    records.push(
      i % 4 === 3
        ? { doc: 'cart', key, value: null, hlc, deleted: true }
        : { doc: i % 2 ? 'cart' : 'form', key, value: { i }, hlc },
    );
  }
  const expected = (() => {
    const best = new Map<string, SyncRecord>();
    for (const r of records) {
      const id = `${r.doc}/${r.key}`;
      if (!best.has(id) || best.get(id)!.hlc < r.hlc) best.set(id, r);
    }
    return best;
  })();

  it('gives the same documents in any order (commutative), keeping the largest HLC per key', () => {
    const results = [1, 2, 3, 4, 5].map((seed) => {
      const docs: Docs = new Map();
      merge(docs, shuffled(records, seed));
      return docs;
    });
    for (const docs of results) expect(snapshot(docs)).to.equal(snapshot(results[0]));
    for (const [id, r] of expected) {
      const [doc, key] = id.split('/');
      expect(results[0].get(doc)!.get(key)).to.deep.equal(r);
    }
  });

  it('changes nothing when records arrive again (idempotent), in batches or one by one', () => {
    const docs: Docs = new Map();
    merge(docs, records);
    const once = snapshot(docs);
    const [won, gone] = merge(docs, shuffled(records, 9));
    expect(won).to.deep.equal([]);
    expect(gone).to.deep.equal([]);
    for (const r of records) merge(docs, [r]);
    expect(snapshot(docs)).to.equal(once);
  });

  it('never lets a stale copy resurrect a removed key, and lets a later write win over a removal', () => {
    const docs: Docs = new Map();
    const [a, b] = [createClock('a'), createClock('b')];
    const live = at(1000, () => ({ doc: 'cart', key: 'x', value: 1, hlc: a._now() }));
    const removed = at(2000, () => ({ doc: 'cart', key: 'x', value: null, hlc: b._now(), deleted: true }));
    const [won, gone] = merge(docs, [live, removed]);
    expect(won).to.deep.equal([live, removed]);
    expect(gone).to.deep.equal([live.hlc]);
    expect(merge(docs, [live])[0]).to.deep.equal([]); // the stale copy arrives again: ignored
    expect(docs.get('cart')!.get('x')).to.deep.equal(removed);
    const again = at(3000, () => ({ doc: 'cart', key: 'x', value: 2, hlc: a._now() }));
    merge(docs, [again]);
    expect(docs.get('cart')!.get('x')).to.deep.equal(again);
  });
});

describe('the stored documents', () => {
  it('load the winners, move the clock past them, and compact replaced records and 30-day-old tombstones', async () => {
    const kv = openKv(`omnikit-docs-core-${Math.random()}`, () => {});
    const day = 86_400_000;
    const now = Date.now();
    const stamp = (ms: number, replica: string) => at(ms, () => createClock(replica)._now());
    const oldTombstone = {
      doc: 'cart',
      key: 'gone',
      value: null,
      hlc: stamp(now - 31 * day, 'a'),
      deleted: true,
    };
    const oldLive = { doc: 'cart', key: 'old', value: 1, hlc: stamp(now - 40 * day, 'a') };
    const newTombstone = {
      doc: 'cart',
      key: 'recent',
      value: null,
      hlc: stamp(now - 29 * day, 'a'),
      deleted: true,
    };
    // Not pushed yet: kept whatever its age, or the removal would never reach the server.
    const pendingTombstone = {
      doc: 'form',
      key: 'x',
      value: null,
      hlc: stamp(now - 60 * day, 'b'),
      deleted: true,
    };
    const replaced = { doc: 'cart', key: 'k', value: 1, hlc: stamp(now - day, 'a') };
    const winner = { doc: 'cart', key: 'k', value: 2, hlc: stamp(now - day, 'b') };
    const future = { doc: 'form', key: 'y', value: 1, hlc: stamp(now + 3_600_000, 'c') };
    await put(kv, [
      oldTombstone,
      oldLive,
      newTombstone,
      { ...pendingTombstone, _pending: 1 },
      replaced,
      winner,
      future,
    ]);

    const docs: Docs = new Map();
    const clock = createClock('me');
    await load(kv, docs, clock);
    expect([...docs.get('cart')!.keys()].sort()).to.deep.equal(['k', 'old', 'recent']);
    expect(docs.get('cart')!.get('k')).to.deep.equal(winner);
    expect([...docs.get('form')!.keys()].sort()).to.deep.equal(['x', 'y']);
    const left = (await kv._entries()).map(([key]) => key).sort();
    expect(left).to.deep.equal(
      [oldLive, newTombstone, pendingTombstone, winner, future].map((r) => r.hlc).sort(),
    );
    // A write made now still sorts after everything loaded, even a record from a clock ahead of ours.
    expect(clock._now() > future.hlc).to.equal(true);
  });
});
