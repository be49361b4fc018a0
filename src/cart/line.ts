import type { JsonValue } from '../protocol/events.ts';

/** What a page passes to `cart.add()`: ids, a name and a display price; the server may reprice. */
export interface ProductInput {
  productId: string;
  variantId?: string;
  name: string;
  /** Display price of one unit, in major units (19.9). */
  price: number;
  currency?: string;
  quantity?: number;
  /** Chosen options (size, colour…); part of what makes a line distinct. */
  options?: Record<string, string>;
}

/** One line of the cart, as stored in the `cart` document (one key per line). */
export interface CartLine {
  id: string;
  productId: string;
  variantId?: string;
  name: string;
  price: number;
  currency?: string;
  quantity: number;
  options?: Record<string, string>;
  /** Set by the server when it repriced or flagged the line: shown, never dropped silently. */
  warning?: string;
}

/**
 * The line id: the variant (or product) plus options in a normal form, so "M / red" added on the
 * phone and "red / M" added on the laptop are one line.
 */
export function lineId(input: Pick<ProductInput, 'productId' | 'variantId' | 'options'>): string {
  const options = Object.entries(input.options ?? {})
    .map((option) => option.map((part) => String(part).trim().toLowerCase()).join('='))
    .sort()
    .join(';');
  return `${input.variantId ?? input.productId}|${options}`;
}

/** The stored value of a line (what syncs); `qty` is the name the server's handoff summary reads. */
export type StoredLine = Omit<CartLine, 'id' | 'quantity'> & { qty: number };

export const toStored = ({ id: _id, quantity, ...line }: CartLine): StoredLine => ({
  ...line,
  qty: quantity,
});

export function fromStored(id: string, value: JsonValue | undefined): CartLine | undefined {
  const { qty, ...line } = (value ?? {}) as StoredLine;
  // Anything but an object with a numeric qty (a string, a tampered record) is no line.
  return typeof qty === 'number' ? { ...line, id, quantity: qty } : undefined;
}
