// Documents the shop's systems own (a POS, OMS, ERP or loyalty program writes them with the server
// key): devices read them, synced like any document, and a device's write to them is refused.

/** A customer's orders: one key per order id, the order as its value. */
export const ORDERS_DOC = 'orders';
/** A customer's loyalty balance: one key, LOYALTY_KEY. */
export const LOYALTY_DOC = 'loyalty';
/** The key of the balance in LOYALTY_DOC. */
export const LOYALTY_KEY = 'balance';
/** The documents only the shop's servers write. */
export const SHOP_DOCS: readonly string[] = [ORDERS_DOC, LOYALTY_DOC];

/** Where an order stands, from placing it to its end. */
export const ORDER_STATUSES = [
  'placed',
  'paid',
  'shipped',
  'ready_for_pickup',
  'completed',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Lines an order may list. */
export const MAX_ORDER_ITEMS = 100;

/** A line of an order. */
export interface OrderItem {
  name: string;
  quantity: number;
  productId?: string;
  variantId?: string;
  /** The unit price, in the order's currency. */
  price?: number;
}

/** Body of `POST /v1/profiles/{userId}/orders` (server key): the order as it stands now. */
export interface OrderInput {
  /** The shop's order id (1 to MAX_ID_LENGTH characters). */
  id: string;
  status: OrderStatus;
  items?: OrderItem[];
  total?: number;
  /** ISO 4217, e.g. `EUR`. */
  currency?: string;
  /** Where it was placed: `web`, `app`, `store`, `call-centre`… */
  channel?: string;
  /** When it was placed, ISO 8601. */
  placedAt?: string;
}

/** An order as the customer's devices hold it (ORDERS_DOC, key `id`): `updatedAt` is the server's clock. */
export interface Order extends OrderInput {
  items: OrderItem[];
  updatedAt: string;
}

/** Body of `POST /v1/profiles/{userId}/loyalty` (server key): the balance as it stands now. */
export interface LoyaltyInput {
  points: number;
  tier?: string;
  /** When the points expire, ISO 8601. */
  expiresAt?: string;
}

/** The balance as the customer's devices hold it (LOYALTY_DOC, key LOYALTY_KEY). */
export interface Loyalty extends LoyaltyInput {
  updatedAt: string;
}
