import type { ResumeLine } from '../src/protocol/index.ts';
import type { SyncRecord } from './store/sync-types.ts';

/** The live lines of a cart's records, as a resume link offers them and staff in the store see them. */
export const cartLinesOf = (records: SyncRecord[]): ResumeLine[] => records.flatMap(lineOf);

/**
 * A live cart record as a line to copy, with the fields of a line only; none for a record that is
 * not one (no `productId`, no numeric `qty`).
 */
function lineOf(record: SyncRecord): ResumeLine[] {
  const line = record.value as Partial<ResumeLine> | null;
  if (typeof line?.qty !== 'number' || typeof line.productId !== 'string') return [];
  const { productId, name = productId, price = 0, qty, variantId, currency, options } = line;
  return [
    {
      productId,
      name,
      price,
      qty,
      ...(variantId && { variantId }),
      ...(currency && { currency }),
      ...(options && { options }),
    },
  ];
}
