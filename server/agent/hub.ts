import { closeAll, type OpenStream } from '../sse.ts';

/** One open `GET /v1/agent/stream` connection: the agents of one site. */
export interface AgentConnection extends OpenStream {
  readonly siteId: string;
}

/** Data of the agent stream's `event: message`: this profile's conversation changed. */
export interface AgentMessageEvent {
  profileId: string;
}

/** Data of the agent stream's `event: typing`: the customer of this profile is (not) typing. */
export interface AgentTypingEvent {
  profileId: string;
  typing: boolean;
}

/** In-process pub/sub from conversations to the agent streams of their site (one process, like StreamHub). */
export class AgentHub {
  readonly #all = new Set<AgentConnection>();

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
    this.#send(siteId, 'message', { profileId } satisfies AgentMessageEvent);
  }

  /** Tells the site's agents that a customer started or stopped typing. */
  typing(siteId: string, profileId: string, typing: boolean): void {
    this.#send(siteId, 'typing', { profileId, typing } satisfies AgentTypingEvent);
  }

  /** Ends every connection cleanly; returns how many there were. */
  endAll(): number {
    return closeAll(this.#all, 'end');
  }

  /** Cuts every connection abruptly; returns how many there were. */
  cutAll(): number {
    return closeAll(this.#all, 'cut');
  }

  #send(siteId: string, event: string, data: unknown): void {
    for (const connection of this.#all) if (connection.siteId === siteId) connection.send(event, data);
  }
}
