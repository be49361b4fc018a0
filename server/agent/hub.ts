import type { Relay, RelayMessage } from '../relay/types.ts';
import { closeAll, type OpenStream } from '../sse.ts';

/** One open `GET /v1/agent/stream` connection: the agents of one site. */
export interface AgentConnection extends OpenStream {
  readonly siteId: string;
}

/** Data of the agent stream's `event: message`: this profile's conversation changed. */
export interface AgentMessageEvent {
  profileId: string;
}

/** Data of the agent stream's `event: profile`: this profile's documents changed (its 360° view). */
export interface AgentProfileEvent {
  profileId: string;
}

/** Data of the agent stream's `event: typing`: the customer of this profile is (not) typing. */
export interface AgentTypingEvent {
  profileId: string;
  typing: boolean;
}

/**
 * Pub/sub from conversations to the agent streams of their site, in every server process: like
 * StreamHub, through the relay, and ending its streams when the relay may have missed something (an
 * agent's console fetches the list again when it reconnects).
 */
export class AgentHub {
  readonly #all = new Set<AgentConnection>();
  readonly #relay: Relay;

  constructor(relay: Relay) {
    this.#relay = relay;
    relay.subscribe({ message: (message) => this.#apply(message), missed: () => this.endAll() });
  }

  get size(): number {
    return this.#all.size;
  }

  /** Registers a connection; returns its removal (idempotent). */
  add(connection: AgentConnection): () => void {
    this.#all.add(connection);
    return () => void this.#all.delete(connection);
  }

  /** Tells the site's agents that a conversation changed (they fetch the list or the profile again). */
  message(siteId: string, profileId: string): void {
    this.#relay.send({ kind: 'chat', siteId, profileId });
  }

  /**
   * Tells the site's agents that a profile's documents changed (a cart line, a draft, an order, the
   * points): a console showing that customer's 360° view fetches it again.
   */
  profile(siteId: string, profileId: string): void {
    this.#relay.send({ kind: 'profile', siteId, profileId });
  }

  /** Tells the site's agents that a customer started or stopped typing. */
  typing(siteId: string, profileId: string, typing: boolean): void {
    this.#relay.send({ kind: 'customerTyping', siteId, profileId, typing });
  }

  /** Ends every connection of this process cleanly; returns how many there were. */
  endAll(): number {
    return closeAll(this.#all, 'end');
  }

  /** Cuts every connection of this process abruptly; returns how many there were. */
  cutAll(): number {
    return closeAll(this.#all, 'cut');
  }

  #apply(message: RelayMessage): void {
    if (message.kind === 'chat') {
      const { siteId, profileId } = message;
      this.#send(siteId, 'message', { profileId } satisfies AgentMessageEvent);
    } else if (message.kind === 'profile') {
      const { siteId, profileId } = message;
      this.#send(siteId, 'profile', { profileId } satisfies AgentProfileEvent);
    } else if (message.kind === 'customerTyping') {
      const { siteId, profileId, typing } = message;
      this.#send(siteId, 'typing', { profileId, typing } satisfies AgentTypingEvent);
    }
  }

  #send(siteId: string, event: string, data: unknown): void {
    for (const connection of this.#all) if (connection.siteId === siteId) connection.send(event, data);
  }
}
