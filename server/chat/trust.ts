import {
  CHAT_DOC,
  MAX_CHAT_FIELD_LENGTH,
  MAX_CHAT_FIELDS,
  MAX_CHAT_TEXT_LENGTH,
  MAX_CLOCK_AHEAD_MS,
  MESSAGE_PREFIX,
  READ_KEY,
  TOMBSTONE_TTL_MS,
} from '../../src/protocol/index.ts';
import type { SyncRecord } from '../store/sync-types.ts';
import { isObject } from './document.ts';

/** The fields a customer message may have: anything else is refused, so what agents read is known. */
const MESSAGE_FIELDS = new Set(['text', 'from', 'at', 'fields']);

/**
 * Checks a `chat` record pushed by a device: a device may write only its own messages (`m:<id>`,
 * `from: "customer"`) and its `read` mark. Anything else (an agent message, `agentRead`, a removal of
 * a message) would let a device forge or erase what the agent said, so it is refused. `agentKeys`
 * are the keys already holding an agent message: a customer write there would replace it. `now` is
 * the server's clock, which bounds the times a device may claim. Strings were already checked for
 * U+0000 and lone surrogates with the rest of the record (server/values).
 * Returns why the record is refused, or null when it may be merged.
 */
export function chatRecordProblem(
  record: SyncRecord,
  where: string,
  agentKeys: ReadonlySet<string>,
  now: number,
): string | null {
  if (record.doc !== CHAT_DOC) return null;
  if (record.deleted) return `${where}: a device cannot remove chat records`;
  if (record.key === READ_KEY) return readProblem(record.value, `${where}.value`, now);
  if (!record.key.startsWith(MESSAGE_PREFIX) || record.key === MESSAGE_PREFIX) {
    return `${where}.key: a device may write only "m:<id>" and "read" in the chat document`;
  }
  if (agentKeys.has(record.key)) return `${where}.key names an agent's message`;
  return messageProblem(record.value, `${where}.value`, now);
}

function messageProblem(value: unknown, where: string, now: number): string | null {
  if (!isObject(value)) return `${where} must be a message {text, from, at, fields?}`;
  const { text, from, at, fields } = value;
  if (from !== 'customer')
    return `${where}.from must be "customer": only the agent API writes agent messages`;
  // The display name is the agent's: a customer message carrying one could pass for support.
  if (value.name !== undefined) return `${where}.name is for agent messages only`;
  const unknown = Object.keys(value).find((field) => !MESSAGE_FIELDS.has(field));
  if (unknown !== undefined) {
    return `${where} has the unknown field ${JSON.stringify(unknown.slice(0, 40))}: a customer message is {text, from, at, fields?}`;
  }
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CHAT_TEXT_LENGTH) {
    return `${where}.text must be a string of 1 to ${MAX_CHAT_TEXT_LENGTH} characters`;
  }
  if (!isSentTime(at, now)) {
    return `${where}.at must be the time the message was sent, in ms: within the last 30 days and at most 24 hours ahead of the server's clock`;
  }
  if (fields !== undefined && !isFields(fields)) {
    return `${where}.fields must be an object of at most ${MAX_CHAT_FIELDS} strings of at most ${MAX_CHAT_FIELD_LENGTH} characters`;
  }
  return null;
}

/**
 * `read` is `{at}`: the `at` of the newest agent message the customer has seen. That message may be
 * older than the sync horizon (a reply read months later), so only the future is bounded.
 */
function readProblem(value: unknown, where: string, now: number): string | null {
  const at = isObject(value) ? value.at : undefined;
  const onlyAt = isObject(value) && Object.keys(value).length === 1;
  return onlyAt && typeof at === 'number' && at >= 0 && at <= now + MAX_CLOCK_AHEAD_MS
    ? null
    : `${where} must be {"at": <ms>} for the chat key "read", at most 24 hours ahead of the server's clock`;
}

// The sync horizon of a record's HLC (records.ts): a device whose clock runs a little ahead keeps its
// customer's message, and a time no device could have written is refused rather than sorted.
function isSentTime(at: unknown, now: number): boolean {
  return typeof at === 'number' && at >= now - TOMBSTONE_TTL_MS && at <= now + MAX_CLOCK_AHEAD_MS;
}

function isFields(fields: unknown): boolean {
  if (!isObject(fields)) return false;
  const entries = Object.entries(fields);
  return (
    entries.length <= MAX_CHAT_FIELDS &&
    entries.every(
      ([name, value]) =>
        name.length <= MAX_CHAT_FIELD_LENGTH &&
        typeof value === 'string' &&
        value.length <= MAX_CHAT_FIELD_LENGTH,
    )
  );
}
