import type { RelayMessage } from './types.ts';

/**
 * PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a little under it leaves room for
 * nothing to go wrong at the edge.
 */
export const MAX_PAYLOAD_BYTES = 7_900;

// Ids are the server's own (devices, profiles) or the config's (sites); anything longer did not come
// from an Omnikit process, nor did a name longer than the agent API accepts.
const MAX_ID_LENGTH = 200;
const MAX_NAME_LENGTH = 100;

/**
 * Packs messages into as few NOTIFY payloads as fit (JSON arrays, each under MAX_PAYLOAD_BYTES), in
 * their order. One message alone is a few hundred bytes (ids and a short name), or a `changed` one
 * with records, which crosses as its cursor alone when the records would not fit.
 */
export function encodePayloads(messages: readonly RelayMessage[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let bytes = 2; // the brackets
  for (const message of messages) {
    const json = fitting(message);
    const size = Buffer.byteLength(json) + 1; // and its comma
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) payloads.push(`[${current.join(',')}]`);
  return payloads;
}

/** A message's JSON, under the payload limit: a `changed` one too large loses its records. */
function fitting(message: RelayMessage): string {
  const json = JSON.stringify(message);
  if (message.kind !== 'changed' || Buffer.byteLength(json) + 2 <= MAX_PAYLOAD_BYTES) return json;
  const { kind, profileId, cursor } = message;
  return JSON.stringify({ kind, profileId, cursor });
}

/**
 * The messages of a payload. Whatever is not a message this version knows is left out (a newer
 * process during a rolling upgrade, or someone else's NOTIFY on the channel), never thrown.
 */
export function decodePayload(payload: string | undefined): RelayMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload ?? '');
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isMessage) : [];
}

const id = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;

const cursor = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Records a `changed` message carries, as the merge stored them, after cursor `from`. */
const carried = (from: unknown, records: unknown): boolean =>
  cursor(from) &&
  Array.isArray(records) &&
  records.every(
    (r: Partial<Record<string, unknown>> | null) =>
      typeof r === 'object' &&
      r !== null &&
      typeof r.doc === 'string' &&
      typeof r.key === 'string' &&
      typeof r.hlc === 'string' &&
      typeof r.deleted === 'boolean' &&
      'value' in r,
  );

function isMessage(value: unknown): value is RelayMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.kind) {
    case 'changed':
      return id(m.profileId) && cursor(m.cursor) && (m.records === undefined || carried(m.from, m.records));
    case 'agentTyping':
      return (
        id(m.profileId) &&
        typeof m.typing === 'boolean' &&
        (m.name === undefined || (typeof m.name === 'string' && m.name.length <= MAX_NAME_LENGTH))
      );
    case 'moved':
      return id(m.deviceId) && id(m.profileId);
    case 'revoked':
      return id(m.deviceId);
    case 'chat':
    case 'profile':
      return id(m.siteId) && id(m.profileId);
    case 'customerTyping':
      return id(m.siteId) && id(m.profileId) && typeof m.typing === 'boolean';
    default:
      return false;
  }
}
