// "My cart in store" (§4): a device shows a short-lived code (a QR code and six characters); staff
// in the store read the customer's cart with it, and may complete the sale there.
import type { ResumeLine } from './resume.ts';
import type { Order } from './shop-state.ts';

/** Characters of a code: no 0/O, 1/I/L, so one read aloud or typed from a phone's screen is right. */
export const STORE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Characters of a code: 31^6 ≈ 887 million, tried at most a few dozen times a minute per address. */
export const STORE_CODE_LENGTH = 6;
/** How long a code works. */
export const STORE_CODE_TTL_MS = 10 * 60_000;
/** The prefix of a code in its QR code, so a scanner tells it from any other code (`omnikit-store:7KQ4MZ`). */
export const STORE_CODE_QR_PREFIX = 'omnikit-store:';

/** Answer `201` of `POST /v1/store-codes` (Bearer): the code to show. */
export interface StoreCodeCreated {
  code: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** Body of `POST /v1/store/lookup` (staff): the code the customer shows, typed or scanned. */
export interface StoreLookupRequest {
  code: string;
}

/** Answer `200` of `POST /v1/store/lookup`: what staff see of the customer, read-only. */
export interface StoreView {
  profileId: string;
  /** The signed-in customer's id; null for a guest. */
  userId: string | null;
  /** The name the customer gave (a verified trait first), when any. */
  name?: string;
  /** Whether `name` comes from a verified trait; present with `name`. */
  nameVerified?: boolean;
  /** The cart's live lines. */
  cart: ResumeLine[];
  /** Products viewed lately, newest first: `product_id` and what `Product Viewed` said of it. */
  recent: Record<string, unknown>[];
  /** Open form drafts: form → field → value (never a field that looks like a secret). */
  forms: Record<string, Record<string, unknown>>;
  expiresAt: string;
}

/** Body of `POST /v1/store/sales` (staff): the sale of the cart's lines, completed in the store. */
export interface StoreSaleRequest {
  code: string;
  /** The shop's order id (the POS receipt number), 1 to MAX_ID_LENGTH characters. */
  orderId: string;
}

/** Answer `201` of `POST /v1/store/sales`: the order as the customer's devices now hold it. */
export interface StoreSale {
  order: Order;
  /** The `messageId` of the `Order Completed` event the server recorded (`context.channel: "store"`). */
  messageId: string;
}
