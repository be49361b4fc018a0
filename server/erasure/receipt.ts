import { randomUUID } from 'node:crypto';
import type { ErasureReceipt } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { Erasure, ErasureReceiptRow } from '../store/erasure-types.ts';

/** A new receipt for an erasure of `subjectHash` (erasure-subject.ts), dated by the server's clock. */
export function newReceipt(subjectHash: string): Omit<ErasureReceiptRow, 'removed' | 'siteId'> {
  return { receiptId: `er_${randomUUID()}`, subjectHash, erasedAt: new Date().toISOString() };
}

/**
 * What follows a committed erasure: the erased devices' live streams end (in every server process,
 * through the relay), and the agents' consoles are told the conversations changed, so they fetch
 * the list again and the customer is gone from it. Then the receipt the route answers with.
 */
export function afterErasure(
  deps: ProtocolDeps,
  siteId: string,
  receipt: { receiptId: string; erasedAt: string },
  erasure: Erasure,
  suppressed: boolean,
): ErasureReceipt {
  for (const deviceId of erasure.deviceIds) deps.hub.endDevice(deviceId);
  for (const profileId of erasure.profileIds) deps.agents.message(siteId, profileId);
  return { receiptId: receipt.receiptId, erasedAt: receipt.erasedAt, suppressed, removed: erasure.removed };
}
