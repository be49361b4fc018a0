import { closeAll } from './sse.ts';

/** One open `GET /v1/stream` connection, as the hub drives it. */
export interface StreamConnection {
  readonly deviceId: string;
  /** The profile whose changes it hears; follows the device when it is linked elsewhere. */
  profileId: string;
  /** Tells the client to sync. */
  notify(cursor: string): void;
  /** Sends an ephemeral event that is never stored (`typing`). */
  signal(event: string, data: unknown): void;
  /** Ends the response cleanly (server shutdown, revoked device). */
  end(): void;
  /** Kills the TCP connection without a goodbye, as a proxy cutting it would. */
  cut(): void;
}

/**
 * In-process pub/sub from profile changes to open streams. One process only: a cluster of servers
 * would relay `publish` through its database (e.g. PostgreSQL LISTEN/NOTIFY).
 */
export class StreamHub {
  readonly #byProfile = new Map<string, Set<StreamConnection>>();
  readonly #all = new Set<StreamConnection>();

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

  /** Tells every connection on the profile that its documents changed. */
  publish(profileId: string, cursor: number): void {
    for (const connection of this.#byProfile.get(profileId) ?? []) connection.notify(String(cursor));
  }

  /** Sends an ephemeral event (an agent typing) to every connection on the profile. */
  signal(profileId: string, event: string, data: unknown): void {
    for (const connection of this.#byProfile.get(profileId) ?? []) connection.signal(event, data);
  }

  /** Re-points a device's connections at its new profile (after identify or a handoff claim). */
  moveDevice(deviceId: string, profileId: string): void {
    for (const connection of this.#all) {
      if (connection.deviceId !== deviceId || connection.profileId === profileId) continue;
      this.#unindex(connection);
      connection.profileId = profileId;
      this.#index(connection);
    }
  }

  /** Ends the connections of one device (its token was revoked). */
  endDevice(deviceId: string): void {
    for (const connection of [...this.#all]) if (connection.deviceId === deviceId) connection.end();
  }

  /** Ends every connection cleanly; returns how many there were. */
  endAll(): number {
    return closeAll(this.#all, 'end');
  }

  /** Cuts every connection abruptly; returns how many there were. */
  cutAll(): number {
    return closeAll(this.#all, 'cut');
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
