import type { Report } from '../core/report.ts';
import type { JsonValue } from '../protocol/events.ts';
import { MAX_RECORDS_PER_PUSH, type SyncAnswer, type SyncRequest } from '../protocol/index.ts';
import { notify } from './docs.ts';
import type { LocalCopy } from './local.ts';
import type { Session } from './session.ts';
import { put, type Stored, stored } from './store.ts';

/** A sync's answer (§3): `rejected` records are done all the same, never pushed again. */
type Answer = SyncAnswer<JsonValue | null>;

/**
 * One sync (protocol §3), under the lock: pushes pending records (a page at a time) and pulls from the
 * cursor until nothing is left, follows a profile switch, drops what a `reset` answer says. A record
 * stays pending until a sync that pushed it succeeded, whichever tab wrote it. After a document was
 * forgotten (`_rewind`), it pulls from cursor "".
 */
export function createCycle(
  session: Session,
  local: LocalCopy,
  report: Report,
  isLocal: (doc: string) => unknown,
): () => Promise<void> {
  return () =>
    session._locked(async (meta) => {
      if (local._rewind) meta._cursor = '';
      local._rewind = false;
      const kv = local._kv();
      for (let more = true; more; ) {
        // From memory, while the store writes them (the journal keeps them should the page die): a
        // burst (a loop of cart.add) planned one sync, and that one push carries all of it.
        const pending = local._unpushed().filter((r) => !isLocal(r.doc));
        const push = pending.slice(0, MAX_RECORDS_PER_PUSH).map(({ _pending, ...r }) => r);
        const answer = await session._authed<Answer>('sync', {
          push,
          cursor: meta._cursor ?? '',
        } satisfies SyncRequest);
        if (answer.profileId !== meta._profileId) {
          await session._adopt(answer.profileId);
          continue;
        }
        const refused = answer.rejected ?? [];
        for (const r of refused) report('delivery_rejected', `sync: ${r.code} ${r.message}`, r);
        if (answer.reset) {
          // Drops the records this device got from the server, keeping its writes not pushed yet.
          await local._queue();
          const pulled = (await stored(kv)).filter((r) => !r._pending);
          const docs = local._docs;
          for (const r of pulled)
            if (docs.get(r.doc)?.get(r.key)?.hlc === r.hlc) docs.get(r.doc)?.delete(r.key);
          await kv._delMany(pulled.map((r) => r.hlc));
          notify(local._listeners, pulled, 'remote');
        }
        local._post({ _records: local._apply(answer.records, 'remote', 1) });
        // Confirmed: stored again without `_pending`, a refused one marked (one replaced meanwhile is
        // dropped again on load).
        const done: Stored[] = push.map((r) =>
          refused.some((rejected) => rejected.hlc === r.hlc) ? { ...r, _refused: 1 } : r,
        );
        local._pushed(done);
        local._queue(() => put(kv, done));
        meta._cursor = answer.cursor;
        await session._save();
        await local._queue();
        more = answer.more || pending.length > push.length;
      }
    });
}
