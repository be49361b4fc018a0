// Names, payloads and answers of the agent wtr commands (commands/agent.ts), shared with the browser
// helpers (test/browser/agent.ts). Types only.
import type { ChatMessage } from '../../../src/chat/chat.ts';

/** Which customer: a profile id, or the anonymous id of one of its devices (the newest active one). */
export type Customer =
  | { profileId: string; anonymousId?: undefined }
  | { anonymousId: string; profileId?: undefined };

export interface AgentCommandPayloads {
  /** POST /v1/agent/conversations/{profileId}/messages with the `test` site's agent key. */
  'agent-reply': Customer & { text: string; name?: string };
  /** POST /v1/agent/conversations/{profileId}/typing. */
  'agent-typing': Customer & { typing: boolean; name?: string };
  /** POST /v1/agent/conversations/{profileId}/read. */
  'agent-read': Customer;
  /** GET /v1/agent/conversations?limit=. */
  'agent-conversations': { limit?: number } | undefined;
  /** GET /v1/agent/profiles/{profileId}. */
  'agent-profile': Customer;
  /** Opens GET /v1/agent/stream (closing an earlier one) and starts collecting its events. */
  'agent-stream-open': undefined;
  /** The events collected since the last call (or the open), then forgets them. */
  'agent-stream-events': undefined;
  'agent-stream-close': undefined;
}

/** A message as the agent API returns it: the chat document's message (docs/protocol.md §6). */
export type AgentChatMessage = ChatMessage;

export interface AgentConversation {
  profileId: string;
  userId: string | null;
  name?: string;
  lastMessage: Pick<AgentChatMessage, 'id' | 'text' | 'from' | 'at'>;
  unread: number;
  updatedAt: number;
}

export interface AgentProfile {
  profileId: string;
  userId: string | null;
  name?: string;
  traits: Record<string, unknown>;
  devices: { deviceId: string; anonymousId: string; createdAt: string; revoked: boolean }[];
  cart: Record<string, unknown>[];
  forms: Record<string, Record<string, unknown>>;
  events: { messageId: string; type: string; event: string | null; timestamp: string }[];
  messages: AgentChatMessage[];
  unread: number;
}

/** One event of the agent stream. */
export interface AgentStreamEvent {
  event: 'message' | 'typing';
  data: { profileId: string; typing?: boolean };
}

export interface AgentCommandResults {
  'agent-reply': { id: string; at: number; profileId: string };
  'agent-typing': true;
  'agent-read': true;
  'agent-conversations': AgentConversation[];
  'agent-profile': AgentProfile;
  'agent-stream-open': true;
  'agent-stream-events': AgentStreamEvent[];
  'agent-stream-close': true;
}

export type AgentCommandName = keyof AgentCommandPayloads;
