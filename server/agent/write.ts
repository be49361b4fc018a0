import { AGENT_REPLICA, CHAT_DOC, formatHlc, hlcAfter } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { SyncRecord } from '../store/sync-types.ts';

/**
 * An HLC of the agent replica for a write at `now`, sorting after `previous` (the stored record of the
 * same key, if any): a later agent write to `agentRead` must win over the earlier one even when the
 * server's clock did not move.
 */
export function agentHlc(now: number, previous?: string): string {
  const fresh = formatHlc(now, 0, AGENT_REPLICA);
  return previous === undefined || previous < fresh ? fresh : hlcAfter(previous, AGENT_REPLICA);
}

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
