// Erasure and access (docs/protocol.md §8): what `DELETE /v1/profiles/{userId}` (server key) and
// `DELETE /v1/devices/current/data` (device token, the SDK's `forget()`) answer.

/**
 * The `401` code of a call made with the token of a device the server erased: the customer (or the
 * visitor, with forget()) asked to be forgotten. The client drops its state (ids, outbox, documents)
 * and starts as a new visitor; `invalid_token` only means "register again".
 */
export const PROFILE_ERASED = 'profile_erased';

/** Rows an erasure removed, by kind. */
export interface ErasedRows {
  events: number;
  /** Document records: cart lines, form drafts, chat messages (tombstones included). */
  records: number;
  devices: number;
  /** The account and the anonymous (guest) profiles linked to it. */
  profiles: number;
  handoffs: number;
  /** Plan violations recorded for the erased events. */
  violations: number;
  /** Webhook deliveries of the erased events, sent or not: none of them goes out any more. */
  deliveries: number;
}

/** The answer of an erasure: a receipt the shop can keep as proof. */
export interface ErasureReceipt {
  /** `er_` + a random UUID; the server keeps the receipt under it, with a hash of the subject. */
  receiptId: string;
  /** When the erasure committed (server clock, ISO 8601). */
  erasedAt: string;
  /** Whether later events of the userId are dropped (`?suppress=true`). */
  suppressed: boolean;
  removed: ErasedRows;
}
