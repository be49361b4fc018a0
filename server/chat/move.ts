import { serverHlcAfter } from '../catalog.ts';
import type { ProtocolDeps } from '../deps.ts';
import { CHAT_DOC } from './document.ts';

/**
 * "One conversation, not two": when a device leaves an anonymous profile for a verified user's, the
 * guest conversation moves with it. Its records are merged into the user's chat as they are (same
 * keys and HLCs, so a device pushing the same messages later changes nothing), then removed from the
 * anonymous profile with tombstones that sort right after them, so the agents' list no longer shows
 * it. Each step is a merge, so a retry or a concurrent write ends in the same state.
 */
export async function moveConversation(deps: ProtocolDeps, siteId: string, from: string, to: string) {
  const records = await deps.store.liveRecords(siteId, from, CHAT_DOC);
  if (records.length === 0) return;
  const moved = await deps.store.mergeRecords(siteId, to, records);
  const removed = await deps.store.mergeRecords(
    siteId,
    from,
    records.map((r) => ({ ...r, value: null, deleted: true, hlc: serverHlcAfter(r.hlc) })),
  );
  if (moved.written > 0) deps.hub.publish(to, moved.cursor);
  if (removed.written > 0) deps.hub.publish(from, removed.cursor);
  deps.agents.message(siteId, to);
  deps.agents.message(siteId, from);
}
