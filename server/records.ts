// The record rules of a push (§3): the limits, the HLC format and the horizon are the protocol's
// (src/protocol), shared with the SDK.
import {
  HLC_PATTERN,
  MAX_CLOCK_AHEAD_MS,
  MAX_NAME_LENGTH,
  MAX_RECORDS_PER_PUSH,
  MAX_VALUE_BYTES,
  msOfHlc,
  RESERVED_REPLICAS,
  type RejectedRecord,
  replicaOfHlc,
  TOMBSTONE_TTL_MS,
} from '../src/protocol/index.ts';
import { ApiError } from './errors.ts';
import type { SyncRecord } from './store/sync-types.ts';
import { checkJson, textProblem } from './values/index.ts';

/** A push split into the records to merge and the ones refused. */
export interface CheckedPush {
  records: SyncRecord[];
  rejected: RejectedRecord[];
}

/**
 * A rule of one document on top of the record rules (e.g. what a device may write in `chat`): the
 * reason a well-formed record is refused as `invalid_record`, or null.
 */
export type RecordGuard = (record: SyncRecord, where: string) => string | null;

/**
 * Validates a push. A body of the wrong shape is refused whole (400), but each bad record is only
 * skipped and reported: a client re-pushes its pending records until they are accepted, so one bad
 * record refused with the whole push would stop that device syncing for good.
 */
export function checkPush(push: unknown, now: number, guard: RecordGuard = () => null): CheckedPush {
  if (push === undefined) return { records: [], rejected: [] };
  if (!Array.isArray(push)) {
    throw new ApiError(400, 'invalid_record', '"push" must be an array of records');
  }
  if (push.length > MAX_RECORDS_PER_PUSH) {
    throw new ApiError(
      400,
      'too_many_records',
      `"push" has ${push.length} records; send at most ${MAX_RECORDS_PER_PUSH} per request`,
    );
  }
  const checked: CheckedPush = { records: [], rejected: [] };
  push.forEach((raw, index) => {
    const where = `push[${index}]`;
    const outcome = checkRecord(raw, where, now);
    const problem = 'code' in outcome ? null : guard(outcome, where);
    if ('code' in outcome) checked.rejected.push(outcome);
    else if (problem !== null) checked.rejected.push(invalid(outcome.hlc, problem));
    else checked.records.push(outcome);
  });
  return checked;
}

/** Parses a cursor: `""` (or absent) is the beginning; otherwise a sequence number we handed out. */
export function parseCursor(cursor: unknown): number {
  if (cursor === undefined || cursor === '') return 0;
  if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)) {
    throw new ApiError(400, 'invalid_cursor', '"cursor" must be "" or a cursor returned by this server');
  }
  return Number(cursor);
}

function checkRecord(raw: unknown, where: string, now: number): SyncRecord | RejectedRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return invalid(null, `${where} must be an object {doc, key, value, hlc, deleted?}`);
  }
  const { doc, key, value, hlc, deleted } = raw as Record<string, unknown>;
  if (typeof hlc !== 'string' || !HLC_PATTERN.test(hlc)) {
    return invalid(null, `${where}.hlc must be an HLC like "0lq2v3k1a-000-3f9a1c" (${HLC_PATTERN.source})`);
  }
  const problem =
    replicaProblem(hlc, where) ??
    nameProblem(hlc, `${where}.doc`, doc) ??
    nameProblem(hlc, `${where}.key`, key) ??
    (deleted !== undefined && typeof deleted !== 'boolean'
      ? invalid(hlc, `${where}.deleted must be a boolean when present`)
      : null) ??
    // A tombstone's value is stored as null whatever was sent, so it is not checked.
    (deleted === true ? null : valueProblem(hlc, `${where}.value`, value)) ??
    horizonProblem(hlc, where, now);
  if (problem) return problem;
  return {
    doc: doc as string,
    key: key as string,
    value: deleted === true ? null : value,
    hlc,
    deleted: deleted === true,
  };
}

// A record of a reserved replica could pass for the server's own write, or take an HLC the server is
// about to use, and the server's write would then be lost.
function replicaProblem(hlc: string, where: string): RejectedRecord | null {
  const replica = replicaOfHlc(hlc);
  if (!RESERVED_REPLICAS.includes(replica)) return null;
  return {
    hlc,
    code: 'reserved_replica',
    message: `${where}.hlc names the replica "${replica}", which only the server writes with`,
  };
}

function nameProblem(hlc: string, where: string, name: unknown): RejectedRecord | null {
  if (typeof name !== 'string' || name === '' || name.length > MAX_NAME_LENGTH) {
    return invalid(hlc, `${where} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  const problem = textProblem(name);
  return problem ? { hlc, code: 'invalid_string', message: `${where} ${problem}` } : null;
}

function valueProblem(hlc: string, where: string, value: unknown): RejectedRecord | null {
  if (value === undefined) {
    return invalid(hlc, `${where} is required (use "deleted": true to remove a key)`);
  }
  const json = checkJson(value, where);
  if (!json.ok) return { hlc, code: json.code, message: json.message };
  if (json.bytes > MAX_VALUE_BYTES) {
    return invalid(hlc, `${where} is ${json.bytes} bytes of JSON; the limit is ${MAX_VALUE_BYTES / 1024} KB`);
  }
  return null;
}

function horizonProblem(hlc: string, where: string, now: number): RejectedRecord | null {
  const at = msOfHlc(hlc);
  if (at < now - TOMBSTONE_TTL_MS) {
    return {
      hlc,
      code: 'stale_record',
      message: `${where}.hlc is from ${iso(at)}, more than 30 days ago: it could undo a removal this server no longer remembers`,
    };
  }
  if (at > now + MAX_CLOCK_AHEAD_MS) {
    return {
      hlc,
      code: 'future_record',
      message: `${where}.hlc is from ${iso(at)}, more than 24 hours ahead of the server's clock (${iso(now)}): check the device's clock`,
    };
  }
  return null;
}

function invalid(hlc: string | null, message: string): RejectedRecord {
  return { hlc, code: 'invalid_record', message };
}

// An HLC's ms can lie outside what Date can print; the message must not throw.
function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}
