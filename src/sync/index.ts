import { load as loadChunk } from '../chunks/load.ts';
import { inBrowser } from '../core/env.ts';
import { withConsent } from '../version.ts';
import { createDocView } from './doc-view.ts';
import { createLocalCopy } from './local.ts';
import type { Replication } from './replication.ts';
import type { Sync, SyncOptions } from './types.ts';
import { createWrites } from './writes.ts';

export type { Adopt, DeliveryStatus, Sync, SyncDoc, SyncOptions, SyncRecord, SyncSource } from './types.ts';

/**
 * Creates the sync engine (protocol §2–§4): documents that apply local writes at once, keep them in
 * IndexedDB, replicate them through the backend, and show other tabs' and devices' changes live.
 * Two halves: the local copy (local.ts, writes.ts), which the cart needs at once, and the replication
 * (replication.ts), a chunk fetched when sync first goes online. Until it is there, writes wait as
 * pending records, and the first sync pushes them.
 */
export function createSync(options: SyncOptions): Sync {
  const { writeKey, _report: report } = options;
  let replica: Replication | undefined;
  let fetching: Promise<Replication | undefined> | undefined;
  let online = false;
  const local = createLocalCopy(writeKey, () => replica?._restart());
  const [write, forget] = createWrites(local, report, (doc) => options._local?.(doc) || replica?._kick());
  /**
   * The replication, fetched once; it goes online as soon as it is there, if sync is. A failed fetch is
   * reported and tried again at the next call, or back online.
   */
  const replication = () =>
    (fetching ??= loadChunk('replication').then(
      (chunk) => {
        replica = chunk.replicate(local, options, loadChunk);
        if (online) replica._online();
        return replica;
      },
      (error: Error) => {
        fetching = undefined;
        report('internal', `sync: ${error.message}`, error);
        return undefined;
      },
    ));
  return {
    start(localOnly) {
      if (!inBrowser()) return;
      if (!local._opened()) local._open(options._openKv);
      // Local-only documents need the store and the tabs, not a device, a sync or a stream.
      if (localOnly || online) return;
      online = true;
      if (replica) replica._online();
      else void replication();
      addEventListener('online', () => void replication());
    },
    doc: (name) => createDocView(name, local._docs, local._listeners, write, forget),
    sync: async () => {
      if (online) await (await replication())?._sync();
    },
    _call: async (path, body, then, failed) => (await replication())?._call(path, body, then, failed),
    _kick: (ms) => replica?._kick(ms),
    reset: async () => {
      await (await replication())?._reset();
    },
    _forget: async () => {
      if (!local._opened()) local._open(options._openKv);
      return (await replication())?._forget() ?? false;
    },
    ready: () => local._ready,
    ...(withConsent && { _names: () => [...local._docs.keys()] }),
  };
}
