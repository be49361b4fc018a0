import type { JsonValue, Properties } from '../protocol/events.ts';
import type { SyncDoc } from '../sync/index.ts';

/**
 * A product the customer viewed: what `Product Viewed` said of it (Segment's names: `product_id`,
 * `name`, `price`, `currency`, `url`, `image_url`…), and when.
 */
export interface RecentProduct {
  product_id: string;
  name?: string;
  price?: number;
  currency?: string;
  url?: string;
  image_url?: string;
  /** When it was last viewed, ms. */
  at: number;
  [property: string]: JsonValue | undefined;
}

/** Products the customer viewed lately, on every device they signed in on (with `personalization`). */
export interface Recent {
  /** The products, the one viewed last first. */
  list(): RecentProduct[];
  /** Calls `listener` with the products after every change; returns the stop. */
  subscribe(listener: (products: RecentProduct[]) => void): () => void;
}

/** How many products the document keeps: older ones are removed as new ones are viewed. */
export const MAX_RECENT = 20;

const listOf = (doc: SyncDoc): RecentProduct[] =>
  doc
    .entries()
    .map(([product_id, viewed]) => ({ ...(viewed as object), product_id }) as RecentProduct)
    .sort((a, b) => b.at - a.at);

/** The customer's recently viewed products over the synced document `recent`. */
export const createRecent = (doc: SyncDoc): Recent => ({
  list: () => listOf(doc),
  subscribe: (listener) => doc.subscribe(() => listener(listOf(doc))),
});

/**
 * Keeps a viewed product in `doc`: `Product Viewed`'s properties (JSON: track() checked them) under
 * its `product_id`, the oldest past MAX_RECENT removed.
 */
export function keepViewed(doc: SyncDoc, { product_id: id, ...viewed }: Properties): void {
  if (typeof id !== 'string' || !doc.set(id, { ...viewed, at: Date.now() } as JsonValue)) return;
  for (const old of listOf(doc).slice(MAX_RECENT)) doc.remove(old.product_id);
}
