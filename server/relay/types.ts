/**
 * The relay port: how the stream hubs of every server process sharing one database hear the same
 * things. A change pushed to one process must reach the streams open on all of them; in one process
 * (SQLite, or a single server) the relay is a plain function call (local.ts), between processes on
 * PostgreSQL it is LISTEN/NOTIFY (postgres.ts).
 *
 * Never a token crosses. Besides ids, cursors and flags, a `changed` message may carry the records
 * just written, as the profile's devices are sent them (to the database they are stored in, and only
 * when small: a larger change crosses as its cursor alone, and the devices pull it); and an agent's
 * display name while typing, which the devices of that profile are shown anyway.
 */
import type { SyncRecord } from '../store/sync-types.ts';

/** One thing every process's hubs apply to their own open streams. */
export type RelayMessage =
  /** The profile's documents changed: its device streams get `changed` (with the records, if carried). */
  | { kind: 'changed'; profileId: string; cursor: number; from?: number; records?: SyncRecord[] }
  /** An agent is (not) typing to the profile: its device streams get `typing`. */
  | { kind: 'agentTyping'; profileId: string; typing: boolean; name?: string }
  /** The device was linked to another profile (identify, handoff claim): its streams follow it. */
  | { kind: 'moved'; deviceId: string; profileId: string }
  /** The device's token was revoked: its streams end. */
  | { kind: 'revoked'; deviceId: string }
  /** A conversation of the site changed: the site's agent streams get `message`. */
  | { kind: 'chat'; siteId: string; profileId: string }
  /** A profile's documents changed (cart, drafts, orders…): the site's agent streams get `profile`. */
  | { kind: 'profile'; siteId: string; profileId: string }
  /** A customer is (not) typing: the site's agent streams get `typing`. */
  | { kind: 'customerTyping'; siteId: string; profileId: string; typing: boolean };

/** What a hub hands the relay to hear its messages. */
export interface RelayListener {
  /** Called once per message in every process, the sending one included. */
  message(message: RelayMessage): void;
  /**
   * Messages of other processes may have been missed (the relay was cut off from the database and
   * is back): open streams must catch up, since nothing replays what they did not hear.
   */
  missed(): void;
}

/** Fan-out of stream messages to every server process sharing the database. */
export interface Relay {
  /**
   * Applies `message` in this process at once (before returning) and sends it to the others. Never
   * throws: a message that cannot leave now is sent when the database is back.
   */
  send(message: RelayMessage): void;
  /** Hears every message from now on; returns the removal. */
  subscribe(listener: RelayListener): () => void;
  /**
   * Resolves once the relay hears the other processes, or has failed to reach them once and keeps
   * trying in the background (a server that starts must not wait on it forever).
   */
  ready(): Promise<void>;
  /** Stops hearing other processes and releases the connection; safe to call twice. */
  close(): Promise<void>;
}
