import type { Report } from '../core/report.ts';
import type { JsonValue } from '../protocol/events.ts';
import type { SyncRecord as WireRecord } from '../protocol/index.ts';
import type { Kv } from '../storage/kv.ts';
import type { HttpError } from './http.ts';

/** One key of one document, as the protocol carries it (§3), with a JSON value. */
export type SyncRecord = WireRecord<JsonValue | null>;

/** What `createSync` needs from the client. */
export interface SyncOptions {
  writeKey: string;
  /** Base URL of an Omnikit backend. */
  endpoint: string;
  _openKv: (name: string) => Kv;
  _report: Report;
  /** The device's anonymous id, sent when it registers. */
  anonymousId: () => string;
  /**
   * Documents kept on this device only: stored and shared with its tabs, never pushed (their
   * records stay pending, so they would be pushed if a later page stops calling them local).
   */
  _local?: (doc: string) => boolean;
  /** First retry delay (ms), doubled per failure with jitter (the client passes its setting). */
  retryBaseDelay: number;
  /** Longest retry delay (ms). */
  retryMaxDelay: number;
  /** The server erased this device (protocol §8): the client starts as a new visitor. */
  _erased?: () => void;
}

/**
 * Who changed a document: this tab, or the server / another tab; `delivery`: only the `status()` of
 * keys changed (the server took this device's writes, or refused them).
 */
export type SyncSource = 'local' | 'remote' | 'delivery';

/**
 * Where a write of this device stands: `pending` until the server has it (offline, it waits),
 * `refused` when the server refused it (reported; never pushed again), else `stored`.
 */
export type DeliveryStatus = 'pending' | 'stored' | 'refused';

/** A live last-writer-wins map; local writes apply at once and sync in the background. */
export interface SyncDoc {
  /** The value of a live key; undefined when absent or removed. */
  get(key: string): JsonValue | undefined;
  /** Live (non-deleted) keys and their values. */
  entries(): [string, JsonValue][];
  /** Where a live key's last write stands: on the server, still to push, or refused; undefined when absent. */
  status(key: string): DeliveryStatus | undefined;
  /**
   * Writes a key: applied now, stored, pushed soon, shown to the other tabs. Answers whether it
   * wrote: false when the key or value was refused (reported: an invalid id, a value over 16 KB).
   */
  set(key: string, value: JsonValue): boolean;
  /** Removes a key (a tombstone, so stale copies elsewhere cannot bring it back). */
  remove(key: string): void;
  /**
   * Drops this device's copy (pending writes too: nothing is pushed, no tombstones) and pulls the
   * document again on the next sync. For merging a guest's copy by a policy after identify (§5).
   */
  forget(): void;
  /** Calls `listener` with the keys that changed; returns the function that stops listening. */
  subscribe(listener: (keys: string[], source: SyncSource) => void): () => void;
}

/** Moves this device to a profile; `identified`: a verified user's; `keep`: its documents go along. */
export type Adopt = (profileId: string, identified?: boolean, keep?: boolean) => Promise<void>;

/** The sync engine: documents kept locally and replicated through the backend (protocol §2–§4). */
export interface Sync {
  /**
   * Loads local documents, registers the device if needed, syncs, opens the stream. With `local`,
   * only loads them (for local-only documents), until a start without it.
   */
  start(local?: boolean): void;
  /**
   * The live document `name`. `doc('')` stores nothing: its subscribers hear the stream's ephemeral
   * events (e.g. chat typing) as keys `[event, data]`, in the tab that holds the stream.
   */
  doc(name: string): SyncDoc;
  /** Pushes pending writes and pulls what changed; never throws (problems are reported). */
  sync(): Promise<void>;
  /**
   * A one-off call to `path` with the device token, under the sync lock (handoff, identify). `then`
   * runs inside the lock and may move the device to a profile with `adopt`. A failure is reported,
   * handed to `failed` (not when the replication code could not load) and answers undefined.
   */
  _call<T>(
    path: string,
    body: unknown,
    then?: (answer: T, adopt: Adopt) => Promise<unknown>,
    failed?: (error: HttpError) => void,
  ): Promise<T | undefined>;
  /** Syncs in `ms` (or when the backoff ends), unless a sync is planned already. */
  _kick(ms?: number): void;
  /** Revokes the token, forgets the local documents and registers as a new anonymous device. */
  reset(): Promise<void>;
  /**
   * Erases what the server holds through this device (protocol §8), then its documents here; false
   * (reported) when the server could not be reached, and then nothing changed.
   */
  _forget(): Promise<boolean>;
  /** Resolves once the local documents are loaded. */
  ready(): Promise<void>;
  /** The names of the documents this device holds (builds with consent categories: drafts go on withdrawal). */
  _names?(): string[];
}
