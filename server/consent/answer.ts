import {
  type ConsentChoice,
  type ConsentReceipt,
  msOfHlc,
  type StoredRecord,
} from '../../src/protocol/index.ts';
import type { ConsentReceiptRow } from '../store/consent-types.ts';

/** A stored receipt as the consent route and the export answer it (times in ISO 8601). */
export function receiptOnWire(row: ConsentReceiptRow): ConsentReceipt {
  return {
    category: row.category,
    granted: row.granted,
    channel: row.channel,
    ...(row.policy === null ? {} : { policy: row.policy }),
    deviceId: row.deviceId,
    clientAt: iso(row.clientAt),
    receivedAt: iso(row.receivedAt),
  };
}

/**
 * The live `consent` records as `current`: category → the choice and when it was made. A record
 * stored before its shape was checked is shown as far as it reads.
 */
export function currentChoices(records: StoredRecord[]): Record<string, ConsentChoice> {
  const current: Record<string, ConsentChoice> = {};
  for (const record of records) {
    const value = (typeof record.value === 'object' && record.value !== null ? record.value : {}) as Record<
      string,
      unknown
    >;
    current[record.key] = {
      granted: value.granted === true,
      channel: typeof value.channel === 'string' ? value.channel : '',
      ...(typeof value.policy === 'string' ? { policy: value.policy } : {}),
      at: iso(msOfHlc(record.hlc)),
    };
  }
  return current;
}

// Times the server checked (the sync horizon) or took from its own clock; never one Date cannot print.
const iso = (ms: number) => new Date(Number.isFinite(ms) ? ms : 0).toISOString();
