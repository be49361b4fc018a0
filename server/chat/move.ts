import { CHAT_DOC } from '../../src/protocol/index.ts';
import { serverHlcAfter } from '../catalog.ts';
import type { ProtocolDeps } from '../deps.ts';
import { isUnavailable } from '../store/servable.ts';

/**
 * "One conversation, not two": when a device leaves an anonymous profile for a verified user's, the
 * guest conversation moves with it. Its records are merged into the user's chat as they are (same
 * keys and HLCs, so a device pushing the same messages later changes nothing), then removed from the
 * anonymous profile with tombstones that sort right after them, so the agents' list no longer shows
 * it. Each step is a merge, so a retry or a concurrent write ends in the same state. The user's chat
 * receives the moved records now: they count as new activity, and the agents' read mark moves with
 * them only if the anonymous one is the newer.
 */
export async function moveConversation(deps: ProtocolDeps, siteId: string, from: string, to: string) {
  // In the order the server received them, so they arrive in the user's chat in that order too; a
  // value that cannot be read back (servable.ts) is not copied, only removed.
  const records = await deps.store.receivedRecords(siteId, from, CHAT_DOC);
  if (records.length === 0) return;
  const moved = await deps.store.mergeRecords(
    siteId,
    to,
    records
      .filter((record) => !isUnavailable(record.value))
      .map(({ doc, key, value, hlc }) => ({ doc, key, value, hlc, deleted: false })),
  );
  const removed = await deps.store.mergeRecords(
    siteId,
    from,
    records.map(({ doc, key, hlc }) => ({ doc, key, value: null, deleted: true, hlc: serverHlcAfter(hlc) })),
  );
  if (moved.written > 0) deps.hub.publish(to, moved);
  if (removed.written > 0) deps.hub.publish(from, removed);
  deps.agents.message(siteId, to);
  deps.agents.message(siteId, from);
}
