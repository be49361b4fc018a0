// Part of the widget chunk: the conversation over the `chat` document (docs/protocol.md, chat).
// Only types come from the core; the sync engine holds the device token and the outbox.
import { randomId } from '../core/id.ts';
import type { JsonValue } from '../protocol/events.ts';
import {
  CHAT_DOC,
  type ChatRecordValue,
  type DeviceTyping,
  MAX_CHAT_FIELD_LENGTH,
  MAX_CHAT_FIELDS,
  MAX_CHAT_TEXT_LENGTH,
  MESSAGE_PREFIX,
  READ_KEY,
  TYPING_EXPIRES_MS,
  TYPING_RENEW_MS,
  type TypingRequest,
} from '../protocol/index.ts';
import type { DeliveryStatus, Sync } from '../sync/index.ts';
import { within } from './within.ts';

/**
 * One message of the conversation, as stored under `m:<id>`, with its id and where it stands: a
 * customer's message is `pending` until the server has it, `refused` if the server refused it.
 */
export interface ChatMessage extends ChatRecordValue {
  id: string;
  status?: DeliveryStatus;
}

/** Who is typing on the agents' side, or undefined. */
export type AgentTyping = { name?: string } | undefined;

/** Parses a stored message; undefined when it is not one (a record from a newer version, say). */
const messageOf = (key: string, value: JsonValue, status?: DeliveryStatus): ChatMessage | undefined => {
  const message = value as Partial<ChatMessage> | null;
  return key.startsWith(MESSAGE_PREFIX) && typeof message?.text === 'string' && typeof message.at === 'number'
    ? {
        ...(message as ChatMessage),
        id: key.slice(MESSAGE_PREFIX.length),
        from: message.from === 'agent' ? 'agent' : 'customer',
        status,
      }
    : undefined;
};

/**
 * The customer's conversation: messages kept in the synced `chat` document (so they follow linked
 * devices, wait in the outbox while offline and are delivered once, by key), the read marker behind
 * the unread count, and typing both ways. `channel` shares the agents' typing with this browser's
 * other tabs (only the tab holding the stream hears it).
 */
export function createChat(sync: Sync, writeKey: string) {
  const doc = sync.doc(CHAT_DOC);
  const listeners = new Set<() => void>();
  let typing: AgentTyping;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let sentTypingAt = 0;
  const changed = () => {
    for (const fn of listeners) fn();
  };
  const setTyping = (data: string) => {
    let signal: Partial<DeviceTyping> = {};
    try {
      signal = JSON.parse(data);
    } catch {}
    clearTimeout(typingTimer);
    typing = signal.typing ? { name: typeof signal.name === 'string' ? signal.name : undefined } : undefined;
    if (typing) typingTimer = setTimeout(() => setTyping('{}'), TYPING_EXPIRES_MS);
    changed();
  };
  const channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(`omnikit-chat:${writeKey}`) : null;
  if (channel) channel.onmessage = ({ data }: MessageEvent<string>) => setTyping(data);
  sync.doc('').subscribe(([event, data]) => {
    if (event !== 'typing') return;
    setTyping(data);
    channel?.postMessage(data);
  });
  doc.subscribe(changed);

  const messages = (): ChatMessage[] =>
    doc
      .entries()
      .flatMap(([key, value]) => messageOf(key, value, doc.status(key)) ?? [])
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const readAt = () => ((doc.get(READ_KEY) as { at?: number } | undefined)?.at ?? 0) || 0;
  /** Tells the agents the customer is typing (at most every 3 s), or stopped. */
  const sendTyping = (on: boolean) => {
    const now = Date.now();
    // Offline, a typing signal would be stale on arrival (and its failure reported): none is sent.
    if ((on ? now - sentTypingAt < TYPING_RENEW_MS : !sentTypingAt) || !navigator.onLine) return;
    sentTypingAt = on ? now : 0;
    void sync._call('chat/typing', { typing: on } satisfies TypingRequest);
  };
  const lastAgentAt = () => Math.max(0, ...messages().map((m) => (m.from === 'agent' ? m.at : 0)));

  return {
    messages,
    /** Agent messages newer than the read marker (synced: reading on one device clears the others). */
    unread: () => messages().filter((m) => m.from === 'agent' && m.at > readAt()).length,
    /** Marks every agent message read. */
    markRead() {
      const at = lastAgentAt();
      if (at > readAt()) doc.set(READ_KEY, { at });
    },
    /**
     * Sends a message (kept and retried while offline); false when the text is empty. The text and
     * the pre-chat `fields` are cut to what the server takes, so it never refuses them for length.
     */
    send(text: string, fields?: Record<string, string>): boolean {
      const trimmed = within(`${text}`.trim(), MAX_CHAT_TEXT_LENGTH);
      if (!trimmed) return false;
      const first = !messages().some((m) => m.from === 'customer');
      const asked = Object.entries(fields ?? {})
        .slice(0, MAX_CHAT_FIELDS)
        .map(([name, value]) => [
          within(name, MAX_CHAT_FIELD_LENGTH),
          within(`${value}`, MAX_CHAT_FIELD_LENGTH),
        ]);
      doc.set(`${MESSAGE_PREFIX}${randomId()}`, {
        text: trimmed,
        from: 'customer',
        at: Date.now(),
        ...(first && asked.length ? { fields: Object.fromEntries(asked) } : {}),
      });
      sendTyping(false);
      return true;
    },
    typing: sendTyping,
    /** Whether (and who) of the agents is typing now. */
    agentTyping: () => typing,
    /** Calls `fn` after every change: messages, the read marker, typing. */
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
