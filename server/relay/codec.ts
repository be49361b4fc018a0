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
 * their order. One message alone is a few hundred bytes at most (ids and a short name).
 */
export function encodePayloads(messages: readonly RelayMessage[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let bytes = 2; // the brackets
  for (const message of messages) {
    const json = JSON.stringify(message);
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

function isMessage(value: unknown): value is RelayMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.kind) {
    case 'changed':
      return id(m.profileId) && typeof m.cursor === 'number' && Number.isFinite(m.cursor);
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
      return id(m.siteId) && id(m.profileId);
    case 'customerTyping':
      return id(m.siteId) && id(m.profileId) && typeof m.typing === 'boolean';
    default:
      return false;
  }
}
