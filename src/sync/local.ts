import { createEmitter } from '../core/emitter.ts';
import { randomId } from '../core/id.ts';
import type { Kv } from '../storage/kv.ts';
import { type Listeners, notify, takeOut } from './docs.ts';
import { type Clock, createClock } from './hlc.ts';
import { createJournal, type Journal } from './journal.ts';
import { type Docs, merge } from './merge.ts';
import { createMetaStamp, type MetaStamp } from './meta-stamp.ts';
import { drop, load, put, type Stored } from './store.ts';
import { createTabMessages, type PostToTabs } from './tab-messages.ts';
import type { SyncRecord, SyncSource } from './types.ts';

/**
 * This device's copy of the documents: live in memory, stored in IndexedDB (and in the journal until
 * the store has a write), shared with the other tabs. The core's half of the sync engine: what the
 * cart reads and writes at once, and what the replication (a chunk) pushes and pulls.
 */
export interface LocalCopy {
  _docs: Docs;
  _listeners: Listeners;
  _clock: Clock;
  _journal: Journal;
  /** Whether this tab's copy of the sync meta is still the stored one (see meta-stamp.ts). */
  _stamp: MetaStamp;
  _post: PostToTabs;
  /** Resolves once the store is open and loaded (see `_open`). */
  _ready: Promise<void>;
  /** The store; there once `_open` ran. */
  _kv(): Kv;
  /** Whether `_open` ran. */
  _opened(): boolean;
  /** Runs a store write after the ones queued before; without a job, waits for them. */
  _queue(job?: () => unknown): Promise<unknown>;
  /** Merges into the live documents; `save` stores the winners too (as they are: `_pending` marks local writes). */
  _apply(records: Stored[], source: SyncSource, save?: 1): Stored[];
  /** The live records not pushed yet: what the next sync pushes, without reading the store. */
  _unpushed(): Stored[];
  /** Replaces live records by these (pending again) where they are the same write or a newer one. */
  _mark(records: Stored[]): void;
  /**
   * Takes a push's outcome onto the live records that are the same writes (a newer one stays
   * pending): no longer `_pending`, `_refused` when refused. Tells subscribers and the other tabs.
   */
  _pushed(records: Stored[]): void;
  /** Forgets the live documents, or one. */
  _clear(only?: string): void;
  /** Drops every document: live, journaled and stored. */
  _wipe(): Promise<void>;
  /** Opens the store: folds the journal in, loads the documents, listens to the other tabs. */
  _open(openKv: (name: string) => Kv): void;
  /** Set when a document was forgotten: the next pull starts from cursor "" to get it again. */
  _rewind?: boolean;
}

/** `restartStream` reconnects this tab's stream, when another tab says the device switched. */
export function createLocalCopy(writeKey: string, restartStream: () => void): LocalCopy {
  // A replica per page: tabs of one device have clocks of their own, so a shared id could repeat HLCs.
  const clock = createClock(randomId().slice(0, 8));
  const docs: Docs = new Map();
  const listeners: Listeners = createEmitter();
  const journal = createJournal(writeKey);
  const [post, listenToTabs] = createTabMessages(writeKey, restartStream);
  let kv: Kv | undefined;
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  // Store writes run in order; those made before the store opens wait for it.
  let writing: Promise<unknown> = ready;
  const queue = (job?: () => unknown) => (writing = writing.then(job));
  const apply = (records: Stored[], source: SyncSource, save?: 1) => {
    for (const r of records) clock._receive(r.hlc);
    const [won, gone] = merge(docs, records);
    if (save) queue(() => put(kv as Kv, won, gone));
    notify(listeners, won, source);
    return won;
  };
  const clear = (only?: string) => notify(listeners, takeOut(docs, only), 'remote');
  const live = (r: SyncRecord): Stored | undefined => docs.get(r.doc)?.get(r.key);
  // A record the server has (pushed, or pulled: no `_pending`) or refused settles the same write here.
  const settle = (records: Stored[]) => {
    const settled = records.filter((r) => {
      const current = live(r);
      return current?.hlc === r.hlc && Object.assign(current, { _pending: r._pending, _refused: r._refused });
    });
    notify(listeners, settled, 'delivery');
    return settled;
  };
  return {
    _docs: docs,
    _listeners: listeners,
    _clock: clock,
    _journal: journal,
    _stamp: createMetaStamp(writeKey),
    _post: post,
    _ready: ready,
    _kv: () => kv as Kv,
    _opened: () => !!kv,
    _queue: queue,
    _apply: apply,
    _unpushed: () => [...docs.values()].flatMap((doc) => [...doc.values()]).filter((r: Stored) => r._pending),
    _mark(records) {
      for (const r of records) if ((live(r)?.hlc ?? '') <= r.hlc) docs.get(r.doc)?.set(r.key, r);
    },
    _pushed(records) {
      const settled = settle(records);
      if (settled.length) post({ _records: settled });
    },
    _clear: clear,
    _wipe: () => {
      clear();
      journal(() => false);
      return drop(kv as Kv);
    },
    _open(openKv) {
      const store = openKv(`omnikit-docs-${writeKey}`);
      kv = store;
      const early = journal();
      // (`_pending` set again: a journal written by an earlier version has records without it.)
      void put(
        store,
        early.map((r) => ({ ...r, _pending: 1 })),
      )
        .then(() => load(store, docs, clock))
        .then((records) => {
          journal((r) => !early.some((e) => e.hlc === r.hlc));
          notify(listeners, records, 'remote');
          loaded();
        });
      // Another tab's writes, what it pulled, or its push's outcome for writes this tab holds too.
      listenToTabs((records) => {
        settle(records);
        apply(records, 'remote');
      }, clear);
    },
  };
}
