import type { StreamChanged } from '../src/protocol/index.ts';
import type { Relay, RelayMessage } from './relay/types.ts';
import { closeAll } from './sse.ts';
import type { SyncRecord } from './store/sync-types.ts';

/** A change of a profile's documents, as the hub is told it. */
export interface ProfileChange {
  /** The profile's cursor after the change. */
  cursor: number;
  /** The profile's cursor before it: with `records`, the devices at `from` need no pull. */
  from?: number;
  /** Every record written between `from` and `cursor`, as stored. */
  records?: SyncRecord[];
}

/**
 * The most JSON of a `changed` message carrying its records: a larger change is only announced, and
 * the devices pull it (a cart or a chat message is a few hundred bytes; a push may hold megabytes).
 */
export const MAX_STREAMED_RECORDS_BYTES = 64 * 1024;

/** One open `GET /v1/stream` connection, as the hub drives it. */
export interface StreamConnection {
  readonly deviceId: string;
  /** The profile whose changes it hears; follows the device when it is linked elsewhere. */
  profileId: string;
  /** Sends a `changed` message (its data as JSON): the client applies its records, or syncs. */
  notify(json: string): void;
  /** Sends an ephemeral event that is never stored (`typing`). */
  signal(event: string, data: unknown): void;
  /** Ends the response cleanly (server shutdown, revoked device). */
  end(): void;
  /** Kills the TCP connection without a goodbye, as a proxy cutting it would. */
  cut(): void;
}

/**
 * Pub/sub from profile changes to the open device streams of every server process. What it is told
 * (publish, typing, moveDevice, endDevice) goes through the relay, which applies it here at once and
 * in every other process sharing the database (PostgreSQL LISTEN/NOTIFY; in one process, nowhere
 * else). When the relay may have missed another process's message, every open stream is ended: its
 * client reconnects and syncs, which catches up whatever it did not hear.
 */
export class StreamHub {
  readonly #byProfile = new Map<string, Set<StreamConnection>>();
  readonly #all = new Set<StreamConnection>();
  readonly #relay: Relay;

  constructor(relay: Relay) {
    this.#relay = relay;
    relay.subscribe({ message: (message) => this.#apply(message), missed: () => this.endAll() });
  }

  /** Open connections. */
  get size(): number {
    return this.#all.size;
  }

  /** Registers a connection; returns its removal (idempotent). */
  add(connection: StreamConnection): () => void {
    this.#all.add(connection);
    this.#index(connection);
    return () => {
      if (!this.#all.delete(connection)) return;
      this.#unindex(connection);
    };
  }

  /**
   * Tells every connection on the profile that its documents changed, with the records written when
   * they are known and small enough to carry.
   */
  publish(profileId: string, { cursor, from, records }: ProfileChange): void {
    // Their size is measured where they are written to a stream, and only there (#apply); a relay
    // to other processes measures what fits its own messages.
    const carried = from !== undefined && records ? { from, records } : {};
    this.#relay.send({ kind: 'changed', profileId, cursor, ...carried });
  }

  /** Tells every connection on the profile that an agent (`name`, when given) is (not) typing. */
  agentTyping(profileId: string, typing: boolean, name?: string): void {
    this.#relay.send({ kind: 'agentTyping', profileId, typing, ...(name ? { name } : {}) });
  }

  /** Re-points a device's connections at its new profile (after identify or a handoff claim). */
  moveDevice(deviceId: string, profileId: string): void {
    this.#relay.send({ kind: 'moved', deviceId, profileId });
  }

  /** Ends the connections of one device (its token was revoked). */
  endDevice(deviceId: string): void {
    this.#relay.send({ kind: 'revoked', deviceId });
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
    switch (message.kind) {
      case 'changed': {
        const { profileId, cursor, from, records } = message;
        // Most changes have no device of theirs listening here: nothing to write, or to serialise.
        if (!this.#byProfile.has(profileId)) return;
        const change: StreamChanged = { cursor: String(cursor), profileId };
        // Serialised once, however many of the profile's devices are listening. A change too large
        // to carry is only announced: the devices pull it.
        let json = JSON.stringify(
          from !== undefined && records ? { ...change, from: String(from), records } : change,
        );
        if (json.length > MAX_STREAMED_RECORDS_BYTES) json = JSON.stringify(change);
        for (const connection of this.#on(profileId)) connection.notify(json);
        return;
      }
      case 'agentTyping': {
        const data = { typing: message.typing, ...(message.name ? { name: message.name } : {}) };
        for (const connection of this.#on(message.profileId)) connection.signal('typing', data);
        return;
      }
      case 'moved':
        this.#move(message.deviceId, message.profileId);
        return;
      case 'revoked':
        for (const connection of [...this.#all])
          if (connection.deviceId === message.deviceId) connection.end();
        return;
    }
  }

  #on(profileId: string): Iterable<StreamConnection> {
    return this.#byProfile.get(profileId) ?? [];
  }

  #move(deviceId: string, profileId: string): void {
    for (const connection of this.#all) {
      if (connection.deviceId !== deviceId || connection.profileId === profileId) continue;
      this.#unindex(connection);
      connection.profileId = profileId;
      this.#index(connection);
    }
  }

  #index(connection: StreamConnection): void {
    let set = this.#byProfile.get(connection.profileId);
    if (!set) {
      set = new Set();
      this.#byProfile.set(connection.profileId, set);
    }
    set.add(connection);
  }

  #unindex(connection: StreamConnection): void {
    const set = this.#byProfile.get(connection.profileId);
    set?.delete(connection);
    if (set?.size === 0) this.#byProfile.delete(connection.profileId);
  }
}
