import { LOYALTY_KEY, type Loyalty } from '../protocol/index.ts';
import type { SyncDoc } from '../sync/index.ts';

/** The customer's loyalty balance as the shop's program reports it (read-only: the shop writes it). */
export interface LoyaltyBalance {
  /** Points, tier and expiry; undefined until the shop wrote a balance. */
  get(): Loyalty | undefined;
  /** Calls `listener` with the balance after every change; returns the stop. */
  subscribe(listener: (balance: Loyalty | undefined) => void): () => void;
}

/** The balance over the synced document `loyalty`, which only the shop's servers write (server key). */
export function createLoyalty(doc: SyncDoc): LoyaltyBalance {
  const get = () => doc.get(LOYALTY_KEY) as unknown as Loyalty | undefined;
  return { get, subscribe: (listener) => doc.subscribe(() => listener(get())) };
}
