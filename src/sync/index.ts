import { load as loadChunk } from '../chunks/load.ts';
import { createArguments } from '../core/arguments.ts';
import { createEmitter } from '../core/emitter.ts';
import { inBrowser } from '../core/env.ts';
import { randomId } from '../core/id.ts';
import { failureCode } from '../core/request.ts';
import { jsonBytes } from '../core/sanitize.ts';
import type { JsonValue } from '../protocol/events.ts';
import {
  type IdentifyAnswer,
  type IdentifyRequest,
  MAX_RECORDS_PER_PUSH,
  MAX_VALUE_BYTES,
  type RegisterAnswer,
  type RegisterRequest,
  replicaOfHlc,
  SERVER_REPLICA,
  type SyncAnswer,
  type SyncRequest,
} from '../protocol/index.ts';
import { backoff } from '../protocol/retry.ts';
import type { Kv } from '../storage/kv.ts';
import { electLeader } from '../tabs/leader.ts';
import { createDocView } from './doc-view.ts';
import { type Listeners, notify, takeOut } from './docs.ts';
import { createClock } from './hlc.ts';
import { createHttp, type HttpError } from './http.ts';
import { createJournal } from './journal.ts';
import { type Docs, merge } from './merge.ts';
import { createSchedule } from './schedule.ts';
import { drop, load, META, type Meta, put, type Stored, stored } from './store.ts';
import type { Stream } from './stream.ts';
import { createTabMessages } from './tab-messages.ts';
import type { Sync, SyncOptions, SyncSource } from './types.ts';

export type { Sync, SyncDoc, SyncOptions, SyncRecord, SyncSource } from './types.ts';

/** A sync's answer (§3): `rejected` records are done all the same, never pushed again. */
type Answer = SyncAnswer<JsonValue | null>;

/**
 * Creates the sync engine (protocol §2–§4): documents that apply local writes at once, keep them in
 * IndexedDB, replicate them through the backend, and show other tabs' and devices' changes live.
 * Syncs run one tab at a time, under a Web Lock, re-reading the shared token, cursor and profile
 * first, so tabs neither register twice nor race on the cursor. A record stays pending until a sync
 * that pushed it succeeded, whichever tab wrote it.
 */
export function createSync(options: SyncOptions): Sync {
  const { writeKey, _report: report } = options;
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const http = createHttp(endpoint);
  const check = createArguments(report);
  // A replica per page: tabs of one device have clocks of their own, so a shared id could repeat HLCs.
  const clock = createClock(randomId().slice(0, 8));
  const docs: Docs = new Map();
  const listeners: Listeners = createEmitter();
  const delay = (failures: number) => backoff(failures, options.retryBaseDelay, options.retryMaxDelay);
  const isLocal = (doc: string) => options._local?.(doc);
  let kv: Kv;
  let meta: Meta = {};
  let started = false;
  let online = false;
  let rewind = false;
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  // Store writes run in order; those made before start() wait for the store.
  let writing: Promise<unknown> = ready;
  const queue = (job: () => unknown) => (writing = writing.then(job));
  const journal = createJournal(writeKey);
  const [post, listenToTabs] = createTabMessages(writeKey, () => stream?._restart());

  /** Merges into the live documents; `save` stores the winners too (as they are: `_pending` marks local writes). */
  const apply = (records: Stored[], source: SyncSource, save?: 1) => {
    for (const r of records) clock._receive(r.hlc);
    const [won, gone] = merge(docs, records);
    if (save) queue(() => put(kv, won, gone));
    notify(listeners, won, source);
    return won;
  };
  /** Forgets the live documents, or one. */
  const clear = (only?: string) => notify(listeners, takeOut(docs, only), 'remote');

  // --- Replication: push and pull (§3), registration and profile switches (§2).

  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = async () => {
      await writing;
      meta = (await kv._get<Meta>(META)) ?? {};
      return fn();
    };
    const locks = navigator.locks;
    return ready.then(() => (locks ? (locks.request(`omnikit:sync:${writeKey}`, run) as Promise<T>) : run()));
  };
  const save = () => kv._setMany([[META, meta]]);

  /** Takes the profile the server puts this device on; after a switch, pulls from cursor "". */
  const adopt = async (id: string, identified?: boolean, keep = !meta._identified) => {
    if (meta._profileId && meta._profileId !== id) {
      meta._cursor = '';
      // A guest's records go along to the new profile (§2); another user's must not leak into it.
      // The server refuses its own replica ids from devices (§3): a record it wrote here (a corrected
      // cart line) goes as this device's own write, its HLC replaced by a new one of this clock. (A
      // record replaced by a newer one is gone from the store already; no winner check, as the core
      // is at its size budget. An agent's chat message is refused from a device whatever its HLC: it
      // stays the agent's, on the old profile.)
      if (keep)
        await put(
          kv,
          (await stored(kv)).map((r) => ({
            ...r,
            _pending: 1,
            hlc: replicaOfHlc(r.hlc) === SERVER_REPLICA ? clock._now() : r.hlc,
          })),
        );
      else {
        clear();
        journal(() => false);
        await drop(kv);
      }
      post({ _switched: !keep });
    }
    meta._profileId = id;
    meta._identified = identified;
    await save();
  };

  /** Calls `path` with the device token: registers first when there is none, and once more after a 401. */
  const authed = async <T>(path: string, body: unknown): Promise<T> => {
    for (let again = true; ; again = false) {
      if (!meta._token) {
        const registered = await http<RegisterAnswer>('devices', {
          writeKey,
          anonymousId: options.anonymousId(),
        } satisfies RegisterRequest);
        meta._token = registered.token;
        await adopt(registered.profileId);
        post({ _switched: false }); // the stream reconnects with the new token
      }
      try {
        return await http<T>(path, body, meta._token);
      } catch (error) {
        if ((error as HttpError).status !== 401 || !again) throw error;
        meta._token = undefined;
      }
    }
  };
  const call: Sync['_call'] = <T>(
    path: string,
    body: unknown,
    then?: (answer: T, adopt: (profileId: string) => Promise<void>) => Promise<unknown>,
  ) =>
    locked(async () => {
      const answer = await authed<T>(path, body);
      await then?.(answer, adopt);
      return answer;
    }).catch(fail);
  const fail = (error: HttpError) => void report(failureCode(error.status), error.message, error);

  const cycle = () =>
    locked(async () => {
      if (rewind) meta._cursor = '';
      rewind = false;
      for (let more = true; more; ) {
        const all = await stored(kv);
        const pending = all.filter((r) => !isLocal(r.doc) && r._pending);
        const push = pending.slice(0, MAX_RECORDS_PER_PUSH).map(({ _pending, ...r }) => r);
        const answer = await authed<Answer>('sync', {
          push,
          cursor: meta._cursor ?? '',
        } satisfies SyncRequest);
        if (answer.profileId !== meta._profileId) {
          await adopt(answer.profileId);
          continue;
        }
        for (const r of answer.rejected ?? []) report('delivery_rejected', `sync: ${r.code} ${r.message}`, r);
        if (answer.reset) {
          // Drops the records this device got from the server, keeping its writes not pushed yet.
          const pulled = all.filter((r) => !r._pending);
          for (const r of pulled)
            if (docs.get(r.doc)?.get(r.key)?.hlc === r.hlc) docs.get(r.doc)?.delete(r.key);
          await kv._delMany(pulled.map((r) => r.hlc));
          notify(listeners, pulled, 'remote');
        }
        post({ _records: apply(answer.records, 'remote', 1) });
        // Confirmed: stored again without `_pending` (one replaced meanwhile is dropped again on load).
        queue(() => put(kv, push));
        meta._cursor = answer.cursor;
        await save();
        await writing;
        more = answer.more || pending.length > push.length;
      }
    });

  const [sync, kick, succeeded] = createSchedule(
    cycle,
    fail,
    ready,
    options.retryBaseDelay,
    options.retryMaxDelay,
  );
  // The change stream is a chunk: only the tab that holds the stream fetches it, after its first sync.
  let stream: Stream | undefined;
  let streaming: Promise<unknown> | undefined;
  const openStream = () =>
    (streaming ??= loadChunk('stream').then(
      (chunk) => {
        stream = chunk.createStream(
          `${endpoint}/v1/stream`,
          async () => (await kv._get<Meta>(META))?._token,
          kick,
          delay,
          // Ephemeral events (chat typing) reach `doc('')`'s subscribers as keys [event, data].
          (event, data) => listeners.emit('', [[event, data], 'remote']),
        );
        return stream._run();
      },
      (error: Error) => {
        // Without it, changes arrive on focus and with each sync; back online, it is fetched again.
        streaming = undefined;
        report('internal', `stream: ${error.message}`, error);
      },
    ));

  const write = (doc: string, key: string, value: JsonValue | null, deleted?: true) => {
    if (!check.id(doc, 'doc') || !check.id(key, 'key')) return false;
    const json = check._record({ v: value }, key).v ?? null;
    if (jsonBytes(json) > MAX_VALUE_BYTES) {
      report('value_too_large', `${key}: value over 16 KB`);
      return false;
    }
    // Not pushed yet: it travels so to other tabs and the journal too.
    const record: Stored = { doc, key, value: json, hlc: clock._now(), _pending: 1, deleted };
    post({ _records: apply([record], 'local', 1) });
    if (started) {
      // Journaled until the store has it (the store write queued by apply() comes first).
      journal(undefined, [record]);
      queue(() => journal((r) => r.hlc !== record.hlc));
      if (!isLocal(doc)) kick(50);
    }
    return true;
  };
  /** Drops this device's copy of a document; the next sync pulls it again from cursor "". */
  const forget = (name: string) => {
    clear(name);
    journal((r) => r.doc !== name);
    queue(() => drop(kv, name));
    post({ _forgotten: name });
    rewind = true;
  };
  return {
    start(localOnly) {
      if (!inBrowser()) return;
      if (!started) {
        started = true;
        kv = options._openKv(`omnikit-docs-${writeKey}`);
        const early = journal();
        // (`_pending` set again: a journal written by an earlier version has records without it.)
        void put(
          kv,
          early.map((r) => ({ ...r, _pending: 1 })),
        )
          .then(() => load(kv, docs, clock))
          .then((records) => {
            journal((r) => !early.some((e) => e.hlc === r.hlc));
            notify(listeners, records, 'remote');
            loaded();
          });
        listenToTabs((records) => apply(records, 'remote'), clear);
      }
      // Local-only documents need the store and the tabs, not a device, a sync or a stream.
      if (localOnly || online) return;
      online = true;
      const first = sync();
      // One stream per browser: the tab holding the lock streams; without Web Locks every tab does.
      const [holdsStream] = electLeader(`omnikit:stream:${writeKey}`, () => void first.then(openStream));
      addEventListener('online', () => {
        succeeded();
        void sync();
        if (holdsStream()) void openStream();
        stream?._restart();
      });
      for (const type of ['focus', 'visibilitychange'])
        addEventListener(type, () => document.visibilityState === 'visible' && kick());
    },
    doc: (name) => createDocView(name, docs, listeners, write, forget),
    sync: () => (online ? sync() : Promise.resolve()),
    _call: call,
    identify: (userId, userHash) =>
      call<IdentifyAnswer>('identify', { userId, userHash } satisfies IdentifyRequest, async (linked) => {
        await adopt(linked.profileId, true, linked.wasAnonymous);
        // Not synced at once: the caller may first forget() a document it merges by a policy (§5).
        kick(50);
      }),
    reset: () =>
      locked(async () => {
        if (meta._token) await http('devices/current', undefined, meta._token, 'DELETE').catch(() => {});
        meta = {};
        clear();
        journal(() => false);
        await drop(kv);
        await save();
        post({ _switched: true });
      })
        .then(sync)
        .catch(fail),
    ready: () => ready,
  };
}
