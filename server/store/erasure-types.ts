import type { ErasedRows } from '../../src/protocol/index.ts';
import type { ConsentReceiptRow } from './consent-types.ts';

export type { ErasedRows };

/**
 * Storage port of erasure (right to be forgotten) and export (right of access), protocol §8. Each
 * erasure is one transaction: a crash half-way leaves everything or nothing. It deletes by the
 * existing indexes (events by user id and by anonymous id, records and handoffs by profile), so a
 * customer with millions of events is one long transaction, not a scan of the tables; it holds the
 * write lock that long (SQLite: every other write waits; PostgreSQL: only the rows it deletes).
 */

/** The rows an erasure (or an export) is about, found before anything is deleted. */
export interface ErasureSubject {
  siteId: string;
  /** Events with this userId go (null: none by userId). */
  userId: string | null;
  /** Events with one of these anonymous ids go… */
  anonymousIds: string[];
  /** …only those without a userId (a device token never erases what names a user). */
  onlyAnonymousEvents: boolean;
  profileIds: string[];
  deviceIds: string[];
}

/** The outcome of an erasure: the counts, and the devices whose live streams must end. */
export interface Erasure {
  removed: ErasedRows;
  deviceIds: string[];
  /** Profiles removed (their agent consoles are told the conversation changed). */
  profileIds: string[];
}

/** The receipt kept for an erasure: a hash of whom, never the userId itself. */
export interface ErasureReceiptRow {
  receiptId: string;
  siteId: string;
  /** `subjectHash` of the erased user (see erasure-subject.ts), or of the device's profile id. */
  subjectHash: string;
  erasedAt: string;
  removed: ErasedRows;
}

/** One page of an export's events, oldest first (the order the server received them). */
export interface ExportedEvent {
  messageId: string;
  type: string;
  credential: 'public' | 'server';
  receivedAt: string;
  /** The event as stored (its JSON text; the route parses it). */
  body: string;
  violations: { kind: string; path: string; message: string }[];
}

/** A profile as exported: its devices (no token hash), live documents and handoffs (no token hash). */
export interface ExportedProfile {
  profileId: string;
  userId: string | null;
  createdAt: string;
  devices: { deviceId: string; anonymousId: string; createdAt: string; revokedAt: string | null }[];
  /** doc → key → the record's value as stored (JSON text), live records only. */
  documents: Record<string, Record<string, string>>;
  /** Handoff links and in-store codes (`kind`), without their hash; `claimedAt`: claimed or used. */
  handoffs: {
    kind: 'handoff' | 'store';
    createdBy: string;
    createdAt: string;
    expiresAt: string;
    claimedAt: string | null;
  }[];
  /** Every consent change the server accepted for the profile, oldest first. */
  consentReceipts: ConsentReceiptRow[];
}

/** A page of an export. `profiles` only on the first page (`after` empty): they are bounded by quotas. */
export interface ExportPage {
  profiles: ExportedProfile[];
  events: ExportedEvent[];
  /** Passed as `after` for the next page of events; absent on the last page. */
  next?: string;
}

/** Erasure, suppression and export. */
export interface ErasureStore {
  /**
   * Erases a verified user of a site and everything linked to them: their profile, its devices and
   * records, handoffs; the anonymous profiles their devices started on; every event with their
   * userId or one of their anonymous ids (those of their devices, and those seen with their userId
   * in events), and the plan violations of those events. The devices' token hashes are kept (alone)
   * so their next call is told `profile_erased`. With `suppressHash`, records it so later events of
   * that user are dropped. Stores the receipt in the same transaction.
   */
  eraseUser(
    siteId: string,
    userId: string,
    receipt: Omit<ErasureReceiptRow, 'removed' | 'siteId'>,
    suppressHash?: string,
  ): Promise<Erasure>;
  /**
   * What a device token may erase (forget()): on an anonymous profile, the profile whole (its
   * devices, records, handoffs, and the events of its devices' anonymous ids that carry no userId);
   * on a user's profile, only this device and the events of its anonymous id that carry no userId.
   */
  forgetDevice(deviceId: string, receipt: Omit<ErasureReceiptRow, 'removed' | 'siteId'>): Promise<Erasure>;
  /** Whether a token hash belonged to a device erased since (its caller is told `profile_erased`). */
  isErasedToken(tokenHash: string): Promise<boolean>;
  /** The subject hashes of `subjectHashes` whose later events the site suppresses. */
  suppressedSubjects(siteId: string, subjectHashes: string[]): Promise<Set<string>>;
  /** One page of what is held about a user (the same rows an erasure would remove). */
  exportUser(siteId: string, userId: string, page: { after: string; limit: number }): Promise<ExportPage>;
}

/** No rows removed yet: the counts an erasure starts from (a fresh object, counted up in place). */
export const noRowsErased = (): ErasedRows => ({
  events: 0,
  records: 0,
  devices: 0,
  profiles: 0,
  handoffs: 0,
  violations: 0,
  deliveries: 0,
});

/** An erasure of nobody. */
export const nothingErased = (): Erasure => ({ removed: noRowsErased(), deviceIds: [], profileIds: [] });
