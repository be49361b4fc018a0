import { AGENT_REPLICA, CHAT_DOC } from '../chat/document.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { SyncRecord } from '../store/sync-types.ts';

const pad36 = (value: number, width: number) => value.toString(36).padStart(width, '0');

/**
 * An HLC of the agent replica for a write at `now`, sorting after `previous` (the stored record of the
 * same key, if any): a later agent write to `agentRead` must win over the earlier one even when the
 * server's clock did not move.
 */
export function agentHlc(now: number, previous?: string): string {
  const fresh = `${pad36(now, 9)}-000-${AGENT_REPLICA}`;
  if (previous === undefined || previous < fresh) return fresh;
  const ms = parseInt(previous.slice(0, 9), 36);
  const counter = parseInt(previous.slice(10, 13), 36) + 1;
  return counter < 36 ** 3
    ? `${pad36(ms, 9)}-${pad36(counter, 3)}-${AGENT_REPLICA}`
    : `${pad36(ms + 1, 9)}-000-${AGENT_REPLICA}`;
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
  deps.hub.publish(profileId, merged.cursor);
  deps.agents.message(siteId, profileId);
}
