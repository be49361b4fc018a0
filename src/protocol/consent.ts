// Consent (docs/protocol.md §3 and §8): a verified customer's choice per category, kept as a synced
// profile document so a choice made on one device holds on all of them, and the server's receipts of
// every change (GDPR Art. 7(1): the shop must be able to show when and how consent was given).

/** The consent document: one record per category (`analytics`, `marketing`, … or a site's own). */
export const CONSENT_DOC = 'consent';
/** Characters of a consent value's `channel` (the event channel of the client: `web`, `pos`, …). */
export const MAX_CONSENT_CHANNEL_LENGTH = 64;
/** Characters of a consent value's `policy` (the site's privacy-policy version). */
export const MAX_CONSENT_POLICY_LENGTH = 128;

/**
 * The value of a `consent` record: exactly these fields. Consent is withdrawn with `granted: false`,
 * never by removing the record (the server refuses a tombstone of this document).
 */
export interface ConsentValue {
  granted: boolean;
  channel: string;
  policy?: string;
}

/** One category of `current` in the consent answer: the live record, and its HLC's time. */
export interface ConsentChoice extends ConsentValue {
  /** When the device made the choice (the HLC's time, ISO 8601). */
  at: string;
}

/** One change the server accepted, oldest first: kept even when a newer change already won. */
export interface ConsentReceipt {
  category: string;
  granted: boolean;
  channel: string;
  policy?: string;
  /** The device that pushed it, or `server`. */
  deviceId: string;
  /** The device's clock when the choice was made (the HLC's time, ISO 8601). */
  clientAt: string;
  /** The server's clock when it accepted it (ISO 8601). */
  receivedAt: string;
}

/** Body of `GET /v1/profiles/{userId}/consent` (server key). */
export interface ConsentAnswer {
  userId: string;
  /** category → the live choice on the user's profile. */
  current: Record<string, ConsentChoice>;
  receipts: ConsentReceipt[];
  /** Present when more receipts follow: pass it as `after`. */
  next?: string;
}
