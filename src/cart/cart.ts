import type { Report } from '../core/report.ts';
import type { Properties } from '../protocol/events.ts';
import type { SyncDoc } from '../sync/index.ts';
import { type CartLine, fromStored, lineId, type ProductInput, toStored } from './line.ts';

/** The customer's cart: a synced document with one key per line, changed optimistically. */
export interface Cart {
  /** Adds a product (or more of it); returns the line id, undefined when refused (reported). */
  add(product: ProductInput): string | undefined;
  /** Sets a line's quantity; 0 removes it. */
  update(lineId: string, quantity: number): void;
  remove(lineId: string): void;
  clear(): void;
  items(): CartLine[];
  total(): { quantity: number; amount: number; currency?: string };
  /** Tracks `Cart Viewed` with the lines. */
  view(): void;
  /** Calls `listener` with the lines after every change, local or from another device. */
  subscribe(listener: (lines: CartLine[]) => void): () => void;
}

type Track = (event: string, properties: Properties) => void;

/** Segment e-commerce v2 product properties of a line. */
const productOf = (line: CartLine, quantity = line.quantity) => ({
  product_id: line.productId,
  variant: line.variantId,
  name: line.name,
  price: line.price,
  currency: line.currency,
  quantity,
});

/** The cart over document `doc`; `track` sends the e-commerce events. */
export function createCart(doc: SyncDoc, track: Track, report: Report): Cart {
  const line = (id: string) => fromStored(id, doc.get(id));
  const items = () => doc.entries().flatMap(([id, value]) => fromStored(id, value) ?? []);

  /**
   * Writes a line's quantity (0 removes it), tracking the difference from `current`'s as Product
   * Added / Removed. Answers whether it wrote: a line the document refused (over 16 KB) is not tracked.
   */
  const setQuantity = (current: CartLine | undefined, quantity: unknown) => {
    if (!current || !Number.isInteger(quantity) || (quantity as number) < 0) {
      report('invalid_argument', 'cart: unknown line, or quantity not a whole number >= 0');
      return false;
    }
    const delta = (quantity as number) - current.quantity;
    if (quantity) {
      if (!doc.set(current.id, toStored({ ...current, quantity: quantity as number }))) return false;
    } else doc.remove(current.id);
    if (delta) track(delta > 0 ? 'Product Added' : 'Product Removed', productOf(current, Math.abs(delta)));
    return true;
  };

  return {
    add(product) {
      const { productId, name, price, quantity = 1 } = product ?? ({} as ProductInput);
      const valid =
        typeof productId === 'string' &&
        !!productId.trim() &&
        typeof name === 'string' &&
        Number.isFinite(price);
      const id = valid && price >= 0 && Number.isInteger(quantity) && quantity > 0 && lineId(product);
      const current = id ? { ...product, id, quantity: line(id)?.quantity ?? 0 } : undefined;
      // NaN without a line: refused. A line the document refused has no id either.
      return (setQuantity(current, (current?.quantity as number) + quantity) && id) || undefined;
    },
    update(id, quantity) {
      setQuantity(line(id), quantity);
    },
    remove(id) {
      setQuantity(line(id), 0);
    },
    clear() {
      for (const current of items()) setQuantity(current, 0);
    },
    items,
    total() {
      const lines = items();
      let quantity = 0;
      let amount = 0;
      for (const item of lines) {
        quantity += item.quantity;
        amount += item.price * item.quantity;
      }
      return { quantity, amount: Math.round(amount * 100) / 100, currency: lines[0]?.currency };
    },
    view: () => track('Cart Viewed', { products: items().map((item) => productOf(item)) }),
    // (Not when only a push's outcome changed: the lines are the same.)
    subscribe: (listener) => doc.subscribe((_, source) => source !== 'delivery' && listener(items())),
  };
}
