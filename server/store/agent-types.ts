/** Storage port of the agent API: what support agents read across a site's profiles. */
import type { SyncRecord } from './sync-types.ts';
import type { EventCredential, StoredEvent } from './types.ts';

/** A profile with a conversation, as the agent list starts from it. */
export interface ConversationRow {
  profileId: string;
  /** The profile's user; null while anonymous. */
  userId: string | null;
  /** The largest `at` of the profile's chat messages. */
  lastAt: number;
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
   * Profiles of the site with at least one live chat message, newest message first (`lastAt`, then
   * profile id), at most `limit`.
   */
  conversations(siteId: string, limit: number): Promise<ConversationRow[]>;
  /** The profile with its devices (revoked ones included), or null when the site has no such profile. */
  profileSummary(siteId: string, profileId: string): Promise<ProfileSummary | null>;
  /** Live records of the profile's documents whose name starts with `prefix` (e.g. `form:`). */
  liveRecordsOfDocs(siteId: string, profileId: string, prefix: string): Promise<SyncRecord[]>;
  /**
   * Events of these owners, newest first (client timestamp, then arrival), optionally of one type
   * and one credential.
   */
  eventsOf(
    siteId: string,
    owners: EventOwners,
    options: { type?: string; credential?: EventCredential; limit: number },
  ): Promise<StoredEvent[]>;
}
