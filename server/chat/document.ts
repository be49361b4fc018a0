// The conversation as the agent API reads it. The chat document's name, keys and limits are the
// protocol's (src/protocol/documents.ts): how far agents have read is where `agentRead` sits in the
// order the server received records.
import { AGENT_READ_KEY, CHAT_DOC, type ChatRecordValue, MESSAGE_PREFIX } from '../../src/protocol/index.ts';
import type { ReceivedRecord } from '../store/agent-types.ts';

/** One message as stored under `m:<id>`. */
export type ChatMessage = ChatRecordValue;

/** A message with its id (the key without `m:`), as the agent API returns it. */
export interface ChatEntry extends ChatMessage {
  id: string;
}

/** What the agent list needs of a conversation. */
export interface ChatSummary {
  /** Oldest received first: the server's order of arrival, whatever time a message claims. */
  messages: ChatEntry[];
  /** When the server received the last of `messages` (server clock, ms); undefined without messages. */
  lastReceivedAt?: number;
  /** The `agentRead` record, when agents have read the conversation: its hlc and receive position. */
  agentRead?: Pick<ReceivedRecord, 'hlc' | 'received'>;
  /** Customer messages received after `agentRead` was written (all of them when never read). */
  unread: number;
}

/**
 * Reads a conversation from its live records, in the order the server received them. A record whose
 * value is no message (unreadable, a placeholder, a field of the wrong type) is skipped; a message
 * keeps only the fields a message has, so nothing else stored with it is ever served.
 */
export function readChat(records: ReceivedRecord[]): ChatSummary {
  const received = [...records].sort(
    (a, b) => a.received - b.received || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const summary: ChatSummary = { messages: [], unread: 0 };
  const fromCustomer: number[] = [];
  for (const record of received) {
    if (record.doc !== CHAT_DOC) continue;
    if (record.key === AGENT_READ_KEY) {
      summary.agentRead = { hlc: record.hlc, received: record.received };
      continue;
    }
    const message = record.key.startsWith(MESSAGE_PREFIX) ? messageOf(record.value) : undefined;
    if (!message) continue;
    summary.messages.push({ ...message, id: record.key.slice(MESSAGE_PREFIX.length) });
    summary.lastReceivedAt = record.receivedAt;
    if (message.from === 'customer') fromCustomer.push(record.received);
  }
  // The read mark is where agentRead sits in the order of arrival: whatever came after it is unread.
  const readAt = summary.agentRead?.received ?? Number.NEGATIVE_INFINITY;
  summary.unread = fromCustomer.filter((received) => received > readAt).length;
  return summary;
}

/** The message a stored value holds, with only the fields of a message; undefined when it holds none. */
function messageOf(value: unknown): ChatMessage | undefined {
  if (!isObject(value)) return undefined;
  const { text, from, at, name, fields } = value;
  if (typeof text !== 'string' || (from !== 'customer' && from !== 'agent')) return undefined;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  const message: ChatMessage = { text, from, at };
  if (typeof name === 'string') message.name = name;
  if (isFields(fields)) message.fields = fields;
  return message;
}

function isFields(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((field) => typeof field === 'string');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
