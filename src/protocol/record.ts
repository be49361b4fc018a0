/**
 * One key of one document, as the protocol carries it (§3): the larger `hlc` wins per (doc, key). A
 * removal is a tombstone, `deleted: true` with `value: null`; a push may leave `deleted` out. `Value`
 * is what the reading side knows of values (the SDK: JSON; the server: unknown until checked).
 */
export interface SyncRecord<Value = unknown> {
  doc: string;
  key: string;
  value: Value;
  hlc: string;
  deleted?: boolean;
}

/** A record as the server stores it and answers it: `deleted` always there. */
export interface StoredRecord<Value = unknown> extends SyncRecord<Value> {
  deleted: boolean;
}
