import type { Relay, RelayListener, RelayMessage } from './types.ts';

/** The hubs of this process that hear a relay: what every relay applies messages to. */
export class RelayListeners {
  readonly #listeners = new Set<RelayListener>();

  /** Adds a listener; returns its removal. */
  add(listener: RelayListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Applies a message to every listener. */
  deliver(message: RelayMessage): void {
    // A copy: a listener may end streams, and a hub may unsubscribe, while this runs.
    for (const listener of [...this.#listeners]) listener.message(message);
  }

  /** Tells every listener that messages may have been missed. */
  missed(): void {
    for (const listener of [...this.#listeners]) listener.missed();
  }
}

/**
 * The relay of one process alone (SQLite, or a single server): a message is applied to this process's
 * hubs and goes nowhere else, and nothing is ever missed.
 */
export function localRelay(): Relay {
  const listeners = new RelayListeners();
  return {
    send: (message) => listeners.deliver(message),
    subscribe: (listener) => listeners.add(listener),
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
