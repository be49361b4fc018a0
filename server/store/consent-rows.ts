// The receipts a merge leaves (consent-schema.ts), worked out the same way for SQLite and PostgreSQL.
import { CONSENT_DOC, msOfHlc, SERVER_REPLICA } from '../../src/protocol/index.ts';
import type { ConsentReceiptRow } from './consent-types.ts';
import type { MergeSource, SyncRecord } from './sync-types.ts';

/**
 * One receipt per live `consent` record of a merge, won or not: the push route checked their shape
 * (server/consent/check.ts); a value of another shape (a writer that skipped that check) is read as
 * far as it goes rather than lost, since the record is stored all the same.
 */
export function receiptsOf(records: SyncRecord[], source: MergeSource | undefined): ConsentReceiptRow[] {
  const writer = source ?? { writer: SERVER_REPLICA, receivedAt: Date.now() };
  return records
    .filter((record) => record.doc === CONSENT_DOC && !record.deleted)
    .map((record) => {
      const value = (typeof record.value === 'object' && record.value !== null ? record.value : {}) as Record<
        string,
        unknown
      >;
      return {
        category: record.key,
        granted: value.granted === true,
        channel: typeof value.channel === 'string' ? value.channel : '',
        policy: typeof value.policy === 'string' ? value.policy : null,
        deviceId: writer.writer,
        hlc: record.hlc,
        clientAt: msOfHlc(record.hlc),
        receivedAt: writer.receivedAt,
      };
    });
}

/** A receipt row as both databases read it back (SQLite: granted 0/1; PostgreSQL: BIGINTs as strings). */
export interface ReceiptSqlRow {
  position: number | string;
  category: string;
  granted: number | boolean;
  channel: string;
  policy: string | null;
  device_id: string;
  hlc: string;
  client_at: number | string;
  received_at: number | string;
}

export const toReceipt = (row: ReceiptSqlRow): ConsentReceiptRow => ({
  category: row.category,
  granted: Boolean(row.granted),
  channel: row.channel,
  policy: row.policy,
  deviceId: row.device_id,
  hlc: row.hlc,
  clientAt: Number(row.client_at),
  receivedAt: Number(row.received_at),
});

/** The columns, in the order both stores select them. */
export const RECEIPT_COLUMNS =
  'id AS position, category, granted, channel, policy, device_id, hlc, client_at, received_at';
