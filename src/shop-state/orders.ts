import type { Order } from '../protocol/index.ts';
import type { SyncDoc } from '../sync/index.ts';

/** The customer's orders as the shop's systems report them (read-only: the shop writes them). */
export interface Orders {
  /** Every order, the one updated last first. */
  list(): Order[];
  /** The order `id`, or undefined. */
  get(id: string): Order | undefined;
  /** Calls `listener` with the orders after every change (a new status, on any device); returns the stop. */
  subscribe(listener: (orders: Order[]) => void): () => void;
}

/** Orders over the synced document `orders`, which only the shop's servers write (server key). */
export function createOrders(doc: SyncDoc): Orders {
  const list = () =>
    doc
      .entries()
      .map(([, order]) => order as unknown as Order)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  return {
    list,
    get: (id) => doc.get(id) as unknown as Order | undefined,
    subscribe: (listener) => doc.subscribe(() => listener(list())),
  };
}
