import type { SyncRecord } from '../store/sync-types.ts';
import { CHAT_DOC, isObject, MAX_TEXT_LENGTH, MESSAGE_PREFIX, READ_KEY } from './document.ts';

/** Most pre-chat fields on a first message, and the longest name and value of one. */
const MAX_FIELDS = 20;
const MAX_FIELD_LENGTH = 500;

/**
 * Checks a `chat` record pushed by a device: a device may write only its own messages (`m:<id>`,
 * `from: "customer"`) and its `read` mark. Anything else (an agent message, `agentRead`, a removal of
 * a message) would let a device forge or erase what the agent said, so it is refused. `agentKeys`
 * are the keys already holding an agent message: a customer write there would replace it.
 * Returns why the record is refused, or null when it may be merged.
 */
export function chatRecordProblem(record: SyncRecord, where: string, agentKeys: ReadonlySet<string>) {
  if (record.doc !== CHAT_DOC) return null;
  if (record.deleted) return `${where}: a device cannot remove chat records`;
  if (record.key === READ_KEY) {
    const at = isObject(record.value) ? record.value.at : undefined;
    return typeof at === 'number' && Number.isFinite(at) && at >= 0
      ? null
      : `${where}.value must be {"at": <ms>} for the chat key "read"`;
  }
  if (!record.key.startsWith(MESSAGE_PREFIX) || record.key === MESSAGE_PREFIX) {
    return `${where}.key: a device may write only "m:<id>" and "read" in the chat document`;
  }
  if (agentKeys.has(record.key)) return `${where}.key names an agent's message`;
  return messageProblem(record.value, `${where}.value`);
}

function messageProblem(value: unknown, where: string): string | null {
  if (!isObject(value)) return `${where} must be a message {text, from, at}`;
  const { text, from, at, name, fields } = value;
  if (from !== 'customer')
    return `${where}.from must be "customer": only the agent API writes agent messages`;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT_LENGTH) {
    return `${where}.text must be a string of 1 to ${MAX_TEXT_LENGTH} characters`;
  }
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return `${where}.at must be a time in ms`;
  // The display name is the agent's: a customer message carrying one could pass for support.
  if (name !== undefined) return `${where}.name is for agent messages only`;
  if (fields !== undefined && !isFields(fields)) {
    return `${where}.fields must be an object of at most ${MAX_FIELDS} strings of at most ${MAX_FIELD_LENGTH} characters`;
  }
  return null;
}

function isFields(fields: unknown): boolean {
  if (!isObject(fields)) return false;
  const entries = Object.entries(fields);
  return (
    entries.length <= MAX_FIELDS &&
    entries.every(
      ([k, v]) => k.length <= MAX_FIELD_LENGTH && typeof v === 'string' && v.length <= MAX_FIELD_LENGTH,
    )
  );
}
