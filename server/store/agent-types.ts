/** Storage port of the agent API: what support agents read across a site's profiles. */
import type { EventCredential, StoredEvent } from './event-types.ts';

/** A profile with a conversation, as the agent list starts from it. */
export interface ConversationRow {
  profileId: string;
  /** The profile's user; null while anonymous. */
  userId: string | null;
  /** The receive position of the profile's newest live chat message record (see ReceivedRecord). */
  lastReceived: number;
}

/** Where a page of the conversation list starts: after this row of the previous page. */
export type ConversationCursor = Pick<ConversationRow, 'profileId' | 'lastReceived'>;

/**
 * A live record as the agent API reads it back, with when the server received it. `value` was read
 * defensively (servable.ts): a placeholder `{"$unavailable": reason}` where the stored text is no
 * JSON, or too deep or too large to serve.
 */
export interface ReceivedRecord {
  doc: string;
  key: string;
  value: unknown;
  hlc: string;
  /**
   * The server's order of arrival: larger means stored later, across all profiles of the database.
   * Set each time a version of the record is stored (push, correction, agent write, move), never by a
   * client and never renumbered (unlike the pull cursor `seq`, which tombstone compaction moves).
   */
  received: number;
  /** The server's clock (ms) when this version was stored. */
  receivedAt: number;
}

/** One device of a profile. */
export interface DeviceSummary {
  deviceId: string;
  anonymousId: string;
  /** ISO 8601. */
  createdAt: string;
  /** Logged out (token revoked); kept so the agent sees every device that was linked. */
  revoked: boolean;
}

/**
 * What the server last heard from a device: its newest event sent with the public write key (the
 * device's own SDK sends those; the shop's servers, with the server key, speak about a device, not
 * from it).
 */
export interface DeviceLastSeen {
  anonymousId: string;
  /** When the server received that event (its own clock), ISO 8601. */
  at: string;
  /** That event's `context.userAgent`, when it carries one that can be served. */
  userAgent?: string;
}

/** A profile and its devices. */
export interface ProfileSummary {
  profileId: string;
  userId: string | null;
  /** ISO 8601. */
  createdAt: string;
  devices: DeviceSummary[];
}

/** The people whose events belong to a profile: its devices' anonymous ids and its user. */
export interface EventOwners {
  anonymousIds: string[];
  userId: string | null;
}

/** Reads across the profiles of a site, for support agents. */
export interface AgentStore {
  /**
   * Profiles of the site with at least one live chat message record, the one received last first
   * (`lastReceived`, then profile id), at most `limit`, after `cursor` when given. Reads no JSON: a
   * record's value is not looked at, so no stored value can fail it.
   */
  conversations(siteId: string, limit: number, cursor?: ConversationCursor): Promise<ConversationRow[]>;
  /** The live records of one document of the profile, oldest received first. */
  receivedRecords(siteId: string, profileId: string, doc: string): Promise<ReceivedRecord[]>;
  /** The profile with its devices (revoked ones included), or null when the site has no such profile. */
  profileSummary(siteId: string, profileId: string): Promise<ProfileSummary | null>;
  /**
   * What the server last heard from each of these anonymous ids (newest received event sent with
   * the write key); an id with no such event is left out. Reads each event body in JavaScript, one
   * at a time, so no stored body can fail the answer.
   */
  lastSeen(siteId: string, anonymousIds: string[]): Promise<DeviceLastSeen[]>;
  /** Live records of the profile's documents whose name starts with `prefix` (e.g. `form:`), by doc and key. */
  liveRecordsOfDocs(siteId: string, profileId: string, prefix: string): Promise<ReceivedRecord[]>;
  /**
   * Events of these owners, newest first (client timestamp, then arrival), optionally of one type
   * and one credential. A body that is no JSON reads as the placeholder `{"$unavailable": "unreadable"}`.
   */
  eventsOf(
    siteId: string,
    owners: EventOwners,
    options: { type?: string; credential?: EventCredential; limit: number },
  ): Promise<StoredEvent[]>;
}
