import { ApiError } from './errors.ts';
import type { SyncRecord } from './store/sync-types.ts';

/** Protocol limits of §3. */
export const MAX_RECORDS_PER_PUSH = 500;
export const MAX_VALUE_BYTES = 16 * 1024;
export const MAX_NAME_LENGTH = 256;
/** `base36(ms)` (9) - `base36(counter)` (3) - replica id. */
export const HLC_PATTERN = /^[0-9a-z]{9}-[0-9a-z]{3}-[\w-]{1,32}$/;
/**
 * Largest /v1/sync body: the limits above allow 500 records of 16 KB plus their names, so the body
 * limit must not be what a client that follows them runs into.
 */
export const MAX_SYNC_BODY_BYTES = 9 * 1024 * 1024;

/**
 * Validates a push. The records of a push are one unit (a cart line and its removal, say), so one bad
 * record rejects the whole request with a message naming it, and nothing is merged.
 */
export function checkPush(push: unknown): SyncRecord[] {
  if (push === undefined) return [];
  if (!Array.isArray(push)) throw invalid('"push" must be an array of records');
  if (push.length > MAX_RECORDS_PER_PUSH) {
    throw new ApiError(
      400,
      'too_many_records',
      `"push" has ${push.length} records; send at most ${MAX_RECORDS_PER_PUSH} per request`,
    );
  }
  return push.map((raw, index) => checkRecord(raw, `push[${index}]`));
}

/** Parses a cursor: `""` (or absent) is the beginning; otherwise a sequence number we handed out. */
export function parseCursor(cursor: unknown): number {
  if (cursor === undefined || cursor === '') return 0;
  if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)) {
    throw new ApiError(400, 'invalid_cursor', '"cursor" must be "" or a cursor returned by this server');
  }
  return Number(cursor);
}

function checkRecord(raw: unknown, where: string): SyncRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(`${where} must be an object {doc, key, value, hlc, deleted?}`);
  }
  const { doc, key, value, hlc, deleted } = raw as Record<string, unknown>;
  for (const [name, field] of [
    ['doc', doc],
    ['key', key],
  ] as const) {
    if (typeof field !== 'string' || field === '' || field.length > MAX_NAME_LENGTH) {
      throw invalid(`${where}.${name} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
    }
  }
  if (typeof hlc !== 'string' || !HLC_PATTERN.test(hlc)) {
    throw invalid(`${where}.hlc must be an HLC like "0lq2v3k1a-000-3f9a1c" (${HLC_PATTERN.source})`);
  }
  if (deleted !== undefined && typeof deleted !== 'boolean') {
    throw invalid(`${where}.deleted must be a boolean when present`);
  }
  if (deleted !== true) {
    if (value === undefined)
      throw invalid(`${where}.value is required (use "deleted": true to remove a key)`);
    const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (size > MAX_VALUE_BYTES) {
      throw invalid(`${where}.value is ${size} bytes of JSON; the limit is ${MAX_VALUE_BYTES / 1024} KB`);
    }
  }
  return {
    doc: doc as string,
    key: key as string,
    value: deleted === true ? null : value,
    hlc,
    deleted: deleted === true,
  };
}

function invalid(message: string): ApiError {
  return new ApiError(400, 'invalid_record', message);
}
