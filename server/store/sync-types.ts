/** Storage ports for devices and profiles, state documents and handoffs (protocol §2–§4). */
import type { StoredRecord } from '../../src/protocol/index.ts';

/**
 * One key of one document, as the protocol carries it from the server (src/protocol/record.ts): a
 * tombstone has `deleted: true`, `value: null`.
 */
export type SyncRecord = StoredRecord;

/**
 * A record the server writes in place of another (a repriced cart line): it is stored only while the
 * record it corrects is still the stored one, so it never overwrites a newer write from a device.
 */
export interface Correction {
  record: SyncRecord;
  /** The hlc of the record it corrects; `record.hlc` must sort after it. */
  replaces: string;
}

/**
 * Who wrote a merge, and when the server took it: what a receipt of each `consent` record it accepts
 * keeps (consent-rows.ts). Without one, the server wrote it (`server`, now).
 */
export interface MergeSource {
  /** The device that pushed the records, or `server`. */
  writer: string;
  /** The server's clock when it took them (ms). */
  receivedAt: number;
}

/** What compacting tombstones removed. */
export interface CompactionResult {
  /** Tombstones deleted. */
  removed: number;
  /** Profiles whose compaction watermark moved. */
  profiles: number;
}

/** An active (not revoked) device, with what a request acting for it needs. */
export interface Device {
  id: string;
  siteId: string;
  profileId: string;
  anonymousId: string;
  /** The user of the device's profile; null while the profile is anonymous. */
  userId: string | null;
}

/** What registering a device created: the device and its fresh anonymous profile. */
export interface NewDevice {
  deviceId: string;
  profileId: string;
}

/** The outcome of linking a device to a verified user. */
export interface LinkResult {
  profileId: string;
  previousProfileId: string;
  /** Whether the device came from an anonymous profile (so the client applies its merge policy once). */
  wasAnonymous: boolean;
}

/** One page of a profile's records, oldest change first. */
export interface RecordPage {
  records: SyncRecord[];
  /** The sequence number of the last record returned, or the requested one when the page is empty. */
  cursor: number;
  /** Whether more records follow. */
  more: boolean;
}

/** What a profile holds: its records (tombstones included) and their bytes (see `recordBytes`). */
export interface ProfileUsage {
  records: number;
  bytes: number;
}

/** The most a profile may hold; a merge that grows it past either is refused whole. */
export type ProfileQuota = ProfileUsage;

/** Why a merge was refused: the quota it would break, and what the profile would have held. */
export interface OverQuota {
  limit: 'records' | 'bytes';
  usage: ProfileUsage;
}

/** The outcome of a merge. */
export interface MergeResult {
  /** Records that won against what was stored (new keys included). */
  written: number;
  /** The sequence number of the last record written; 0 when nothing was. */
  cursor: number;
  /** The profile's cursor before the merge: its records above it and up to `cursor` are `records`. */
  from: number;
  /** The records written, as stored (a pull would read these back), one per key. */
  records: SyncRecord[];
  /** Set when the merge was refused by its quota: then nothing was written. */
  overQuota?: OverQuota;
}

/**
 * What a handoff row is: `handoff`, a one-time link that moves a device to the profile; `store`, an
 * in-store code that lets staff read the cart and complete a sale, and never moves anyone.
 */
export type HandoffKind = 'handoff' | 'store';

/** A handoff as stored (its token exists only on the devices). */
export interface Handoff {
  kind: HandoffKind;
  siteId: string;
  profileId: string;
  createdBy: string;
  expiresAt: Date;
  claimedAt: Date | null;
}

/**
 * The outcome of claiming a handoff: only one claim ever gets `ok: true`. `identified_device`: the
 * claiming device is signed in (its profile belongs to a user), and a handoff never moves it.
 */
export type ClaimResult =
  | { ok: true; profileId: string; previousProfileId: string }
  | { ok: false; reason: 'not_found' | 'used' | 'expired' | 'identified_device' };

/** The outcome of using an in-store code for a sale. */
export type StoreCodeUse = 'ok' | 'not_found' | 'used' | 'expired';

/** Devices, each linked to one profile; a profile is anonymous or belongs to one user of its site. */
export interface DeviceStore {
  /** Creates a device with a fresh anonymous profile of its own; only the token's hash is kept. */
  createDevice(siteId: string, anonymousId: string, tokenHash: string): Promise<NewDevice>;
  /** The device holding this token hash, or null when unknown or revoked. */
  deviceByTokenHash(tokenHash: string): Promise<Device | null>;
  /** Revokes a device's token for good. */
  revokeDevice(deviceId: string): Promise<void>;
  /** Links a device to the profile of `userId` on its site, creating that profile for the first device. */
  linkDeviceToUser(deviceId: string, userId: string): Promise<LinkResult>;
  /**
   * The profile of `userId` on the site, created when the user has none yet: the shop's servers
   * write its orders before any device signed in, and the first device that does finds them there.
   */
  userProfile(siteId: string, userId: string): Promise<string>;
}

/** Last-writer-wins documents of a profile, with a change sequence to pull from. */
export interface DocumentStore {
  /**
   * Merges records into a profile in one transaction: each record replaces the stored one of its
   * (doc, key) only when its hlc is larger, and gets a new sequence number when it does. Then each
   * correction replaces the record it names, if that one is still stored. With a `quota`, a merge
   * that would grow the profile's records or bytes past it writes nothing and says so (`overQuota`);
   * one that does not grow them (updates, removals) always merges. Checked in the same transaction
   * as the writes, so concurrent merges cannot pass it together. Each `consent` record merged (won
   * or not) leaves a receipt naming `source`, in the same transaction; one already received (same
   * category and hlc) leaves none.
   */
  mergeRecords(
    siteId: string,
    profileId: string,
    records: SyncRecord[],
    corrections?: Correction[],
    quota?: ProfileQuota,
    source?: MergeSource,
  ): Promise<MergeResult>;
  /** What the profile holds now. */
  profileUsage(siteId: string, profileId: string): Promise<ProfileUsage>;
  /** Records of a profile changed after sequence number `after`, at most `limit`. */
  recordsSince(siteId: string, profileId: string, after: number, limit: number): Promise<RecordPage>;
  /** The records of one document that are not tombstones. */
  liveRecords(siteId: string, profileId: string, doc: string): Promise<SyncRecord[]>;
  /** The sequence number of the profile's last change (0 when it has none). */
  profileCursor(siteId: string, profileId: string): Promise<number>;
  /**
   * Deletes the tombstones, of every profile, whose hlc time is before `beforeMs`, and raises each
   * profile's compaction watermark to the largest sequence number deleted. The profile's remaining
   * records at or below it get new numbers, so every cursor handed out afterwards is above it.
   */
  compactTombstones(beforeMs: number): Promise<CompactionResult>;
  /**
   * The largest sequence number of a record compacted away from the profile (0 if none): a pull from
   * a cursor below it may have missed a removal.
   */
  compactionWatermark(siteId: string, profileId: string): Promise<number>;
}

/** One-time "continue on another device" tokens, stored by hash. */
export interface HandoffStore {
  createHandoff(handoff: {
    tokenHash: string;
    siteId: string;
    profileId: string;
    createdBy: string;
    expiresAt: Date;
    /** `handoff` when left out. */
    kind?: HandoffKind;
  }): Promise<void>;
  /** The handoff of this site and kind (`handoff` when left out) with this token hash, or null. */
  findHandoff(siteId: string, tokenHash: string, kind?: HandoffKind): Promise<Handoff | null>;
  /**
   * Marks an in-store code used by `usedBy` (a sale was completed with it), unless it is unknown,
   * used or expired at `now`: only one use ever gets `ok`.
   */
  useStoreCode(siteId: string, codeHash: string, usedBy: string, now: Date): Promise<StoreCodeUse>;
  /**
   * Marks the handoff claimed and links the claiming device to its profile, in one transaction, so
   * two concurrent claims cannot both win, and a device signed in meanwhile is not moved.
   */
  claimHandoff(siteId: string, tokenHash: string, deviceId: string, now: Date): Promise<ClaimResult>;
  /** Makes the profile's unclaimed, unexpired handoffs expire at `now` (a device reset); how many. */
  endHandoffs(siteId: string, profileId: string, now: Date): Promise<number>;
}
