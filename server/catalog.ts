import { CART_DOC, hlcAfter, SERVER_REPLICA } from '../src/protocol/index.ts';
import type { Catalog, CatalogEntry } from './catalog-types.ts';
import type { Site } from './sites.ts';
import type { Correction, SyncRecord } from './store/sync-types.ts';

export type { Catalog, CatalogEntry } from './catalog-types.ts';

/**
 * Where the server finds current prices: given the site and the variant and product ids of the cart
 * lines in a push, the entries it knows (it may return more). An id it leaves out is unknown, so the
 * line is flagged unavailable. `undefined` means the site is not priced: its lines are left alone.
 */
export type CatalogLookup = (site: Site, ids: string[]) => Catalog | undefined | Promise<Catalog | undefined>;

/** The default lookup: the `catalog` of the site's config. */
export const siteCatalog: CatalogLookup = (site) => site.catalog;

/** Set on a line whose product is unknown or no longer sold. */
export const UNAVAILABLE = 'unavailable';
/** Set on a line the server repriced. */
export const PRICE_CHANGED = 'price_changed';

/** What the server reads of a stored cart line; every other field is kept as sent. */
interface Line {
  productId: string;
  variantId?: unknown;
  price?: unknown;
  currency?: unknown;
  warning?: unknown;
  [field: string]: unknown;
}

/**
 * Checks the live cart lines of a push against the catalog and returns, for each line that is wrong,
 * the corrected line as a server write that replaces that exact record. Lines are never removed and
 * `qty` is never touched: the customer sees a warning instead of a line that vanished.
 */
export async function repriceCart(
  lookup: CatalogLookup,
  site: Site,
  push: SyncRecord[],
): Promise<Correction[]> {
  const lines = push.filter((record) => record.doc === CART_DOC && !record.deleted && isLine(record.value));
  if (lines.length === 0) return [];
  const ids = new Set(lines.flatMap((record) => idsOf(record.value as Line)));
  const catalog = await lookup(site, [...ids]);
  if (!catalog) return [];
  return lines.flatMap((record) => {
    const line = record.value as Line;
    const fixed = correctLine(line, entryOf(catalog, line));
    if (!fixed) return [];
    return [{ record: { ...record, value: fixed, hlc: serverHlcAfter(record.hlc) }, replaces: record.hlc }];
  });
}

/** The corrected line, or null when it already agrees with the catalog (so corrections never loop). */
export function correctLine(line: Line, entry: CatalogEntry | undefined): Line | null {
  if (!entry || entry.available === false) {
    return line.warning === UNAVAILABLE ? null : { ...line, warning: UNAVAILABLE };
  }
  const priceDiffers = typeof line.price !== 'number' || Math.abs(line.price - entry.price) >= 0.005;
  // A line without a currency is read in the catalog's: rewriting it only to add one is not worth a sync.
  const currencyDiffers =
    entry.currency !== undefined && line.currency !== undefined && line.currency !== entry.currency;
  if (!priceDiffers && !currencyDiffers) return null;
  return {
    ...line,
    price: entry.price,
    ...(entry.currency !== undefined ? { currency: entry.currency } : {}),
    warning: PRICE_CHANGED,
  };
}

/**
 * An HLC sorting just after `hlc`, for the server's correction of that record. Same ms and counter
 * when the `server` replica sorts after the device's, else the next counter (the next ms when the
 * counter is full). Either way the device's own next write (counter + 1 at least) still sorts after
 * the correction, so a quantity change made while the correction is in flight is not lost.
 */
export const serverHlcAfter = (hlc: string): string => hlcAfter(hlc, SERVER_REPLICA);

/** Validates a site's `catalog` from the config file; throws naming the bad field. */
export function checkCatalog(raw: unknown, where: string): Catalog {
  if (!isObject(raw)) throw new Error(`${where} must be an object of { "<variantId or productId>": entry }`);
  // fromEntries defines own properties, so even an id like "__proto__" stays an entry.
  return Object.fromEntries(
    Object.entries(raw).map(([id, entry]) => [id, checkEntry(entry, `${where}["${id}"]`)]),
  );
}

function checkEntry(entry: unknown, where: string): CatalogEntry {
  if (!isObject(entry))
    throw new Error(`${where} must be an object like { "price": 19.9, "currency": "EUR" }`);
  const { price, currency, available } = entry;
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
    throw new Error(`${where}.price must be a number >= 0`);
  }
  if (currency !== undefined && (typeof currency !== 'string' || currency.trim() === '')) {
    throw new Error(`${where}.currency must be a non-empty string when present`);
  }
  if (available !== undefined && typeof available !== 'boolean') {
    throw new Error(`${where}.available must be a boolean when present`);
  }
  const checked: CatalogEntry = { price };
  if (currency !== undefined) checked.currency = currency as string;
  if (available !== undefined) checked.available = available;
  return checked;
}

// A variant's own entry first, else its product's (a catalog may price every variant alike).
function entryOf(catalog: Catalog, line: Line): CatalogEntry | undefined {
  // hasOwn: a product id like "constructor" must not find Object.prototype's.
  const id = idsOf(line).find((candidate) => Object.hasOwn(catalog, candidate));
  return id === undefined ? undefined : catalog[id];
}

function idsOf(line: Line): string[] {
  return typeof line.variantId === 'string' && line.variantId !== ''
    ? [line.variantId, line.productId]
    : [line.productId];
}

// Values that are not lines (no product id) cannot be judged, so they are left as sent.
function isLine(value: unknown): value is Line {
  return isObject(value) && typeof value.productId === 'string' && value.productId !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
