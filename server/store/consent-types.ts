/** Storage port of consent receipts (protocol §3, §8); the table is in consent-schema.ts. */
import type { SyncRecord } from './sync-types.ts';

/** A receipt as stored: one `consent` record the server accepted. */
export interface ConsentReceiptRow {
  category: string;
  granted: boolean;
  channel: string;
  policy: string | null;
  /** The device that pushed it, or `server`. */
  deviceId: string;
  hlc: string;
  /** The HLC's time (ms): the device's clock when the choice was made. */
  clientAt: number;
  /** The server's clock when it accepted the record (ms). */
  receivedAt: number;
}

/** A page of a user's consent: the live `consent` records, and receipts oldest first. */
export interface ConsentPage {
  /** The live records of the user's `consent` document (on every page: one per category). */
  current: SyncRecord[];
  receipts: ConsentReceiptRow[];
  /** Passed as `after` for the next page of receipts; absent on the last page. */
  next?: string;
}

/** Reading consent receipts (they are written by `mergeRecords`, deleted by an erasure only). */
export interface ConsentStore {
  /**
   * The consent of the verified user `userId` of a site: their profile's `consent` document and its
   * receipts after position `after` (`''`: from the first), at most `limit`. Nothing for an unknown user.
   */
  consentOfUser(siteId: string, userId: string, page: { after: string; limit: number }): Promise<ConsentPage>;
}
