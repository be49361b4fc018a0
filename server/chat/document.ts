import type { SyncRecord } from '../store/sync-types.ts';

/** The conversation: one document per profile, so it follows the customer's linked devices. */
export const CHAT_DOC = 'chat';
/** Key prefix of a message: `m:<id>`. */
export const MESSAGE_PREFIX = 'm:';
/** Key of `{at}`: the newest agent message the customer has seen (written by devices). */
export const READ_KEY = 'read';
/** Key of `{at}`: how far agents have read (written by the server only). */
export const AGENT_READ_KEY = 'agentRead';
/** Replica id of the records the agent API writes. */
export const AGENT_REPLICA = 'agent';
/** Longest message text, in UTF-16 code units (JavaScript's `length`). */
export const MAX_TEXT_LENGTH = 4000;

/** One message as stored under `m:<id>`. */
export interface ChatMessage {
  text: string;
  from: 'customer' | 'agent';
  at: number;
  /** The agent's display name. */
  name?: string;
  /** Pre-chat fields of the customer's first message. */
  fields?: Record<string, string>;
}

/** A message with its id (the key without `m:`), as the agent API returns it. */
export interface ChatEntry extends ChatMessage {
  id: string;
}

/** What the agent list needs of a conversation. */
export interface ChatSummary {
  messages: ChatEntry[];
  /** The `at` agents have read up to (0 when never). */
  agentRead: number;
  /** Customer messages after `agentRead`. */
  unread: number;
}

/** Reads a conversation from its live records; values that are not messages are skipped. */
export function readChat(records: SyncRecord[]): ChatSummary {
  const messages: ChatEntry[] = [];
  let agentRead = 0;
  for (const record of records) {
    if (record.deleted || record.doc !== CHAT_DOC) continue;
    if (record.key === AGENT_READ_KEY) agentRead = atOf(record.value) ?? 0;
    else if (record.key.startsWith(MESSAGE_PREFIX) && isMessage(record.value)) {
      messages.push({ ...record.value, id: record.key.slice(MESSAGE_PREFIX.length) });
    }
  }
  // Oldest first; equal times (one clock tick) keep a stable order by id.
  messages.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unread = messages.filter((m) => m.from === 'customer' && m.at > agentRead).length;
  return { messages, agentRead, unread };
}

/** The `at` of a `{at}` value, if it is one. */
export function atOf(value: unknown): number | undefined {
  const at = isObject(value) ? value.at : undefined;
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

function isMessage(value: unknown): value is ChatMessage {
  return (
    isObject(value) &&
    typeof value.text === 'string' &&
    (value.from === 'customer' || value.from === 'agent') &&
    typeof value.at === 'number'
  );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
