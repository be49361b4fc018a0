// The protocol's fixed limits (docs/protocol.md §1, §3, §6, §10): the server enforces them, the SDK
// stays within them. Not configurable; the configurable rate limits and quotas are the server's own
// (server/limits).

/** Records per push (`400 too_many_records` past it). */
export const MAX_RECORDS_PER_PUSH = 500;
/** Bytes of UTF-8 JSON per record value (the record is rejected, `invalid_record`). */
export const MAX_VALUE_BYTES = 16 * 1024;
/** Characters of a document's name or a record's key (the SDK checks them with MAX_ID_LENGTH, equal). */
export const MAX_NAME_LENGTH = 256;
/** Characters of an id a request names: a userId, an anonymousId, a handoff token. */
export const MAX_ID_LENGTH = 256;
/** Records per pull page: `more: true` asks for the next one. */
export const SYNC_PAGE_SIZE = 1000;
/**
 * Bytes of a /v1/sync body: the limits above allow 500 records of 16 KB plus their names, so the
 * body limit must not be what a client that follows them runs into.
 */
export const MAX_SYNC_BODY_BYTES = 9 * 1024 * 1024;

/**
 * How long tombstones are kept, and so the oldest HLC a push may carry (`stale_record`): an older
 * record could undo a removal already compacted.
 */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** How far ahead of the server's clock an HLC may be (`future_record`): a wrong clock would win forever. */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * One event: 32 KB of its JSON (Segment's and RudderStack's limit), counted in characters (UTF-16
 * code units) as RudderStack counts it, so no event it sends without a warning is refused for being
 * written in a script that takes more bytes (up to 96 KB of UTF-8). Past it: `event_too_large`, that
 * event alone.
 */
export const MAX_EVENT_CHARS = 32 * 1024;
/**
 * Bytes of an event route's body, as sent and decompressed (`413 payload_too_large`). RudderStack
 * batches up to 512 KiB counted in characters and treats 413 as final; a character takes at most 3
 * bytes of UTF-8 (one outside the BMP is 2 units and 4 bytes), so its largest batch is 1.5 MiB.
 * Segment's batches stay under 500 KB.
 */
export const MAX_EVENT_REQUEST_BYTES = 3 * 512 * 1024;
/** Bytes of any other protocol body (devices, identify, handoff, chat, agent): Segment's HTTP API limit. */
export const MAX_REQUEST_BYTES = 500 * 1024;
/** Characters of a messageId, the deduplication key (`invalid_message_id`). */
export const MAX_MESSAGE_ID_LENGTH = 100;
/** Deepest nesting of objects and arrays in a stored JSON value (an event from its envelope, a record from its value). */
export const MAX_JSON_DEPTH = 64;

/** Refused items an answer lists (`rejected`); `rejectedCount` counts them all. */
export const MAX_LISTED_REJECTIONS = 100;
/** Characters of a listed refusal's message (cut with "…"). */
export const MAX_REJECTION_MESSAGE_LENGTH = 300;
/** Characters of an id a refusal echoes (messageId, hlc); a longer one is listed as null. */
export const MAX_ECHOED_ID_LENGTH = 200;

/** Characters (UTF-16 code units) of a chat message's text. */
export const MAX_CHAT_TEXT_LENGTH = 4000;
/** Pre-chat fields on a customer's first message. */
export const MAX_CHAT_FIELDS = 20;
/** Characters of a pre-chat field's name or value. */
export const MAX_CHAT_FIELD_LENGTH = 500;

/** Random bits of a device token (base64url: 43 characters at least). */
export const DEVICE_TOKEN_BITS = 256;
/** Random bits of a handoff token (base64url: 22 characters at least). */
export const HANDOFF_TOKEN_BITS = 128;
