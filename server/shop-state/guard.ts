import { SHOP_DOCS } from '../../src/protocol/index.ts';
import type { SyncRecord } from '../store/sync-types.ts';

/**
 * Why a device's record is refused when it is of a document the shop's servers own (orders, the
 * loyalty balance): a device that could write one could show itself as paid, or any points. Null for
 * every other document.
 */
export const shopDocProblem = (record: SyncRecord, where: string): string | null =>
  SHOP_DOCS.includes(record.doc)
    ? `${where}.doc "${record.doc}" is written by the shop's servers only (server key)`
    : null;
