/** A site's price list, as its config or a catalog lookup (catalog.ts) gives it. */

/** The current price of one product or variant, as the shop sells it. */
export interface CatalogEntry {
  /** Price of one unit, in major units (19.9). */
  price: number;
  currency?: string;
  /** false: no longer sold (default true). */
  available?: boolean;
}

/** Entries by variant id or product id. */
export type Catalog = Record<string, CatalogEntry>;
