import { attempt } from '../core/env.ts';
import type { StreamChanged } from '../protocol/index.ts';
import type { LocalCopy } from './local.ts';
import type { Session } from './session.ts';
import type { Stored } from './store.ts';

/**
 * What the change stream's `changed` messages do (§3): their records are applied and the cursor
 * moves, with no request, when they follow this device's cursor on its profile; a gap (a missed
 * message, a reconnect) or a message without records syncs instead. Called with no data after each
 * (re)connect, to catch up.
 */
export function createChanges(session: Session, local: LocalCopy, sync: () => void) {
  return (data?: string) => {
    const { records, from, cursor, profileId } = attempt<Partial<StreamChanged>>(
      () => JSON.parse(data as string),
      {},
    );
    if (!records || !cursor) return sync();
    // Shown and stored at once when they are of this device's profile: records merge the same in any
    // order and any number of times, so only the cursor waits for the lock. (A message of a profile
    // the device is leaving: the switch drops them, or a guest's take them along, like its own.)
    const apply = () => local._post({ _records: local._apply(records as Stored[], 'remote', 1) });
    const shown = profileId && profileId === session._profile();
    if (shown) apply();
    session
      ._locked(async (meta) => {
        const here = meta._profileId === profileId;
        // Pulled that far already (its own push, or a sync that overtook the message): nothing to do.
        if (here && Number(meta._cursor) >= Number(cursor)) return;
        if (!here || meta._cursor !== from) return sync();
        if (!shown) apply();
        // The records are in the store before the cursor says so, or a page dying between would skip them.
        await local._queue();
        meta._cursor = cursor;
        await session._save();
      })
      .catch(sync);
  };
}
