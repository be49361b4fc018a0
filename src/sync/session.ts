import {
  type RegisterAnswer,
  type RegisterRequest,
  replicaOfHlc,
  SERVER_REPLICA,
} from '../protocol/index.ts';
import { erased, type Http, type HttpError } from './http.ts';
import type { LocalCopy } from './local.ts';
import { META, type Meta, put, type Stored, stored } from './store.ts';
import type { Adopt } from './types.ts';

/** The device's standing with the backend (protocol §2): its token and profile, under the sync lock. */
export interface Session {
  /**
   * Runs `fn` under the sync lock (one tab at a time), with the meta as stored: read again when
   * another tab may have registered or pulled meanwhile (meta-stamp.ts). Store writes queued before
   * may still run: what reads the records waits for them (`local._queue()`).
   */
  _locked<T>(fn: (meta: Meta) => Promise<T>): Promise<T>;
  /** Stores the meta (under the lock). */
  _save(): Promise<void>;
  /** The profile this tab last knew the device on (outside the lock, it may be about to change). */
  _profile(): string | undefined;
  _adopt: Adopt;
  /**
   * Calls `path` with the device token: registers first when there is none, and once more after a
   * 401, unless the server erased the device (`profile_erased`: the caller starts afresh).
   */
  _authed<T>(path: string, body: unknown, method?: string): Promise<T>;
  /**
   * Revokes the token and drops the documents (under the lock): the next call registers anew. With
   * `forgetting`, the server first erases what the device holds there (registering it first if
   * needed: its anonymous events); if that fails, nothing here changes and the call rejects.
   */
  _end(forgetting?: boolean): Promise<void>;
}

export function createSession(
  writeKey: string,
  http: Http,
  anonymousId: () => string,
  local: LocalCopy,
): Session {
  let meta: Meta = {};
  const locked = <T>(fn: (meta: Meta) => Promise<T>): Promise<T> => {
    const run = async () => {
      // Without a token, always read: another tab may have registered the device.
      if (!meta._token || !local._stamp._fresh()) {
        local._stamp._read();
        meta = (await local._kv()._get<Meta>(META)) ?? {};
      }
      return fn(meta);
    };
    const locks = navigator.locks;
    return local._ready.then(() =>
      locks ? (locks.request(`omnikit:sync:${writeKey}`, run) as Promise<T>) : run(),
    );
  };
  const save = () => {
    local._stamp._renew();
    return local._kv()._setMany([[META, meta]]);
  };

  /** After a switch, pulls from cursor "". */
  const adopt: Adopt = async (id, identified, keep = !meta._identified) => {
    if (meta._profileId && meta._profileId !== id) {
      meta._cursor = '';
      // A guest's records go along to the new profile (§2); another user's must not leak into it.
      // The server refuses its own replica ids from devices (§3): a record it wrote here (a corrected
      // cart line) goes as this device's own write, its HLC replaced by a new one of this clock. (A
      // record replaced by a newer one is gone from the store already; no winner check, as the core
      // is at its size budget. An agent's chat message is refused from a device whatever its HLC: it
      // stays the agent's, on the old profile.)
      const kv = local._kv();
      await local._queue();
      if (keep) {
        const mine: Stored[] = (await stored(kv)).map((r) => ({
          ...r,
          _pending: 1,
          hlc: replicaOfHlc(r.hlc) === SERVER_REPLICA ? local._clock._now() : r.hlc,
        }));
        await put(kv, mine);
        local._mark(mine); // pushed from memory: the live copies are pending again too
      } else await local._wipe();
      local._post({ _switched: !keep });
    }
    meta._profileId = id;
    meta._identified = identified;
    await save();
  };

  const authed = async <T>(path: string, body: unknown, method?: string): Promise<T> => {
    for (let again = true; ; again = false) {
      if (!meta._token) {
        const registered = await http<RegisterAnswer>('devices', {
          writeKey,
          anonymousId: anonymousId(),
        } satisfies RegisterRequest);
        meta._token = registered.token;
        await adopt(registered.profileId);
        local._post({ _switched: false }); // the stream reconnects with the new token
      }
      try {
        return await http<T>(path, body, meta._token, method);
      } catch (error) {
        if ((error as HttpError).status !== 401 || !again || erased(error)) throw error;
        meta._token = undefined;
      }
    }
  };

  const end = (forgetting?: boolean) =>
    locked(async () => {
      await local._queue();
      if (forgetting) await authed('devices/current/data', undefined, 'DELETE');
      else if (meta._token) await http('devices/current', undefined, meta._token, 'DELETE').catch(() => {});
      meta = {};
      await local._wipe();
      await save();
      local._post({ _switched: true });
    });

  return {
    _locked: locked,
    _save: save,
    _profile: () => meta._profileId,
    _adopt: adopt,
    _authed: authed,
    _end: end,
  };
}
