import { VALUE_PROBLEM_CODES } from './errors.ts';
import type { StoredRecord, SyncRecord } from './record.ts';

/** Body of `POST /v1/sync` (Bearer): records to merge, and where the last pull ended (`""`: the beginning). */
export interface SyncRequest<Value = unknown> {
  push?: SyncRecord<Value>[];
  cursor?: string;
}

/** Body of its `200` answer. */
export interface SyncAnswer<Value = unknown> {
  /** The profile's records changed after the cursor, a page of SYNC_PAGE_SIZE at most. */
  records: StoredRecord<Value>[];
  cursor: string;
  /** The profile the device is on now: another one after identify or a handoff claim. */
  profileId: string;
  /** More records follow: call again with `cursor`. */
  more: boolean;
  /** Records of the push that were not merged (the first MAX_LISTED_REJECTIONS); never pushed again. */
  rejected: RejectedRecord[];
  /** How many records of the push were not merged, listed or not. */
  rejectedCount: number;
  /**
   * Present when the cursor predates a compaction: `records` start from the beginning, and the client
   * replaces what it got from the server earlier (keeping its own unpushed writes).
   */
  reset?: true;
}

/** Why a record of a push was not merged (§3); the rest of the push is merged as usual. */
export const REJECTED_RECORD_CODES = [
  'invalid_record',
  'stale_record',
  'future_record',
  'reserved_replica',
  ...VALUE_PROBLEM_CODES,
] as const;
export type RejectedRecordCode = (typeof REJECTED_RECORD_CODES)[number];

/** One record of a push that was not merged. */
export interface RejectedRecord {
  /** The record's hlc as pushed, so the client finds it among its pending writes; null when unusable. */
  hlc: string | null;
  code: RejectedRecordCode;
  /** For developers: names the field (`push[3].key must be ...`). */
  message: string;
}
