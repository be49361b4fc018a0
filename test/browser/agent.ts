// The support agent in browser tests: each call goes to the real agent API through a server command
// (commands/agent.ts), with the `test` site's agent key, which never reaches the page.
import { executeServerCommand } from '@web/test-runner-commands';
import type {
  AgentCommandName,
  AgentCommandPayloads,
  AgentCommandResults,
  Customer,
} from './commands/agent-protocol.ts';

export type {
  AgentChatMessage,
  AgentConversation,
  AgentProfile,
  AgentStreamEvent,
  Customer,
} from './commands/agent-protocol.ts';

function command<N extends AgentCommandName>(name: N, payload?: AgentCommandPayloads[N]) {
  return executeServerCommand<AgentCommandResults[N], AgentCommandPayloads[N] | undefined>(name, payload);
}

export const agent = {
  /** The agent answers `customer`'s conversation; resolves to the new message's id and time. */
  reply: (customer: Customer, text: string, name?: string) =>
    command('agent-reply', { ...customer, text, name } as AgentCommandPayloads['agent-reply']),
  /** The agent starts (or stops) typing; the customer's devices get `event: typing` on their stream. */
  typing: (customer: Customer, typing: boolean, name?: string) =>
    command('agent-typing', { ...customer, typing, name } as AgentCommandPayloads['agent-typing']),
  /** The agent reads the conversation (writes `agentRead`). */
  read: (customer: Customer) => command('agent-read', customer),
  /** The agent's list, newest activity first. */
  conversations: (limit?: number) => command('agent-conversations', { limit }),
  /** The 360° view of the customer. */
  profile: (customer: Customer) => command('agent-profile', customer),
  /** Starts collecting the agent stream's events (customer typing, conversation changes). */
  openStream: () => command('agent-stream-open'),
  /** The agent stream's events since the last call. */
  streamEvents: () => command('agent-stream-events'),
  closeStream: () => command('agent-stream-close'),
};
