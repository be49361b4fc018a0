import { CHAT_DOC } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { RecordGuard } from '../records.ts';
import type { SyncRecord } from '../store/sync-types.ts';
import { isObject } from './document.ts';
import { chatRecordProblem } from './trust.ts';

/**
 * The chat trust rule of a push (see trust.ts), ready for checkPush. The profile's agent messages are
 * read only when the push holds a chat record, so other pushes cost nothing more.
 */
export async function chatGuard(
  deps: ProtocolDeps,
  siteId: string,
  profileId: string,
  push: unknown,
): Promise<RecordGuard> {
  const hasChat = Array.isArray(push) && push.some((record) => isObject(record) && record.doc === CHAT_DOC);
  if (!hasChat) return () => null;
  const stored = await deps.store.liveRecords(siteId, profileId, CHAT_DOC);
  const agentKeys = new Set(
    stored
      .filter((record) => isObject(record.value) && record.value.from === 'agent')
      .map((record) => record.key),
  );
  return (record, where) => chatRecordProblem(record, where, agentKeys, deps.now());
}

/** Whether a merged push touched the conversation (the agents then hear of it). */
export const touchesChat = (records: SyncRecord[]) => records.some((record) => record.doc === CHAT_DOC);
