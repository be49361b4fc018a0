import { CHAT_DOC } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { SyncRecord } from '../store/sync-types.ts';

/**
 * Merges records the server writes into a profile's chat, like any push, then tells the profile's
 * devices to pull and the site's agents that the conversation changed.
 */
export async function writeChat(
  deps: ProtocolDeps,
  siteId: string,
  profileId: string,
  records: Omit<SyncRecord, 'doc'>[],
): Promise<void> {
  const merged = await deps.store.mergeRecords(
    siteId,
    profileId,
    records.map((record) => ({ ...record, doc: CHAT_DOC })),
  );
  if (merged.written === 0) return;
  deps.hub.publish(profileId, merged);
  deps.agents.message(siteId, profileId);
}
