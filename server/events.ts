import { MAX_EVENT_CHARS, MAX_MESSAGE_ID_LENGTH, type RejectedEventCode } from '../src/protocol/index.ts';
import { checkJson } from './values/index.ts';

/** Event types of the Segment spec, which Omnikit's envelope follows. */
export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;

/**
 * Outcome of checking one event: either the event, ready to store, with its JSON (made by the check,
 * stored as it is: an event is serialised once), or the reason it was refused.
 */
export type EventCheck =
  | { ok: true; event: Record<string, unknown>; json: string }
  | { ok: false; code: RejectedEventCode; message: string };

/**
 * Checks one event against the envelope rules. Rejection is per event on purpose: a client must
 * never have to drop good events because a neighbour in the same batch was bad. Every string and key
 * of the event, its ids and names included, must be text a database holds as sent, and it may nest
 * at most MAX_JSON_DEPTH levels (`invalid_string`, `invalid_number`, `too_deep`; see server/values).
 */
export function checkEvent(raw: unknown): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('invalid_event', 'Event must be a JSON object');
  }
  const event = raw as Record<string, unknown>;
  const json = checkJson(event, '', 'the event');
  if (!json.ok) return refuse(json.code, json.message);
  if (json.chars > MAX_EVENT_CHARS) {
    return refuse(
      'event_too_large',
      `Event is ${json.chars} characters of JSON; the limit is ${MAX_EVENT_CHARS} (${MAX_EVENT_CHARS / 1024} KB)`,
    );
  }
  const { type, messageId, anonymousId, userId } = event;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return refuse('invalid_type', `"type" must be one of ${EVENT_TYPES.join(', ')}`);
  }
  if (typeof messageId !== 'string' || messageId === '' || messageId.length > MAX_MESSAGE_ID_LENGTH) {
    return refuse(
      'invalid_message_id',
      `"messageId" must be a non-empty string of at most ${MAX_MESSAGE_ID_LENGTH} characters`,
    );
  }
  if (!isIdentity(anonymousId) && !isIdentity(userId)) {
    return refuse('missing_identity', 'Event needs a non-empty "anonymousId" or "userId" string');
  }
  if (type === 'track' && (typeof event.event !== 'string' || event.event === '')) {
    return refuse('missing_event_name', 'A track event needs a non-empty "event" name');
  }
  if (event.timestamp !== undefined && !isTimestamp(event.timestamp)) {
    return refuse('invalid_timestamp', '"timestamp" must be an ISO 8601 date string');
  }
  return { ok: true, event, json: json.json };
}

/** The messageId of a raw event as sent (null when not a non-empty string), so the client can match reports. */
export function messageIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const messageId = (raw as Record<string, unknown>).messageId;
  return typeof messageId === 'string' && messageId !== '' ? messageId : null;
}

function refuse(code: RejectedEventCode, message: string): EventCheck {
  return { ok: false, code, message };
}

function isIdentity(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
