// A chunk (src/chunks/load.ts): fetched when sync first goes online, so a page that only tracks, or
// keeps its documents on the device, never fetches it.
import type { load } from '../chunks/load.ts';
import { failureCode } from '../core/request.ts';
import { backoff } from '../protocol/retry.ts';
import { electLeader } from '../tabs/leader.ts';
import { createChanges } from './changes.ts';
import { createCycle } from './cycle.ts';
import { createHttp, erased, type HttpError } from './http.ts';
import type { LocalCopy } from './local.ts';
import { createSchedule } from './schedule.ts';
import { createSession } from './session.ts';
import { createStreamOpener } from './stream-opener.ts';
import type { Adopt, Sync, SyncOptions } from './types.ts';

/** The replication of a sync engine, as its core half calls it. */
export interface Replication {
  /** Syncs now (after the sync running); never rejects. */
  _sync(): Promise<void>;
  _kick: Sync['_kick'];
  _call: Sync['_call'];
  /** Logs the device out, then registers anew. */
  _reset(): Promise<void>;
  /**
   * Erases what the server holds through this device, then drops the documents; false (reported)
   * when the server could not be told. Registers anew only at the next sync.
   */
  _forget(): Promise<boolean>;
  /** Reconnects the stream (a new token or profile). */
  _restart(): void;
  /** Syncs now and on every way back (online, focus); the tab that holds the stream opens it. */
  _online(): void;
}

/**
 * Pushes and pulls the local copy through the backend (protocol §2–§4). Syncs run one tab at a time,
 * under a Web Lock, re-reading the shared token, cursor and profile first, so tabs neither register
 * twice nor race on the cursor (session.ts, cycle.ts); when they run is schedule.ts's.
 */
export function replicate(local: LocalCopy, options: SyncOptions, loadChunk: typeof load): Replication {
  const { writeKey, _report: report, retryBaseDelay, retryMaxDelay } = options;
  const endpoint = options.endpoint.replace(/\/+$/, '');
  // A device the server erased (protocol §8) starts afresh: the client drops what it keeps.
  const fail = (error: HttpError) =>
    void (erased(error) ? options._erased?.() : report(failureCode(error.status), error.message, error));
  const session = createSession(writeKey, createHttp(endpoint), options.anonymousId, local);
  const cycle = createCycle(session, local, report, (doc) => options._local?.(doc));
  const [sync, kick, succeeded] = createSchedule(cycle, fail, local._ready, retryBaseDelay, retryMaxDelay);
  const delay = (failures: number) => backoff(failures, retryBaseDelay, retryMaxDelay);
  const changed = createChanges(session, local, () => kick());
  const [openStream, restart] = createStreamOpener(endpoint, local, changed, delay, report, loadChunk);
  return {
    _sync: sync,
    _kick: kick,
    _call: <T>(
      path: string,
      body: unknown,
      then?: (answer: T, adopt: Adopt) => Promise<unknown>,
      failed?: (error: HttpError) => void,
    ) =>
      session
        ._locked(async () => {
          const answer = await session._authed<T>(path, body);
          await then?.(answer, session._adopt);
          return answer;
        })
        .catch((error: HttpError) => {
          fail(error);
          return void failed?.(error);
        }),
    _reset: () => session._end().then(sync).catch(fail),
    _forget: () =>
      session._end(true).then(
        () => true,
        (error: HttpError) => {
          // Already erased (by the shop, say): done as well.
          if (erased(error)) return true;
          fail(error);
          return false;
        },
      ),
    _restart: restart,
    _online() {
      const first = sync();
      // One stream per browser: the tab holding the lock streams; without Web Locks every tab does.
      const [holdsStream] = electLeader(`omnikit:stream:${writeKey}`, () => void first.then(openStream));
      addEventListener('online', () => {
        succeeded();
        void sync();
        if (holdsStream()) void openStream();
        restart();
      });
      for (const type of ['focus', 'visibilitychange'])
        addEventListener(type, () => document.visibilityState === 'visible' && kick());
    },
  };
}
