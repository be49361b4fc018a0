import { VALUE_PROBLEM_CODES } from './errors.ts';

/** Body of `POST /v1/batch`: events in the Segment envelope, checked one by one. */
export interface BatchRequest<Event = Record<string, unknown>> {
  batch: Event[];
  /** The site's public write key, unless in `Authorization: Basic` or `?writeKey=`. */
  writeKey?: string;
  /** ISO 8601: when the client sent it, to correct device clock skew. */
  sentAt?: string;
}

/** Body of its `200` answer: accepted + duplicates + rejectedCount = events sent. */
export interface BatchAnswer {
  ok: true;
  accepted: number;
  /** Already stored (a re-send): as good as accepted. */
  duplicates: number;
  /** The first MAX_LISTED_REJECTIONS rejected events, in request order: never to be re-sent. */
  rejected: RejectedEvent[];
  rejectedCount: number;
}

/** Why one event of a batch was not stored (§1); the rest of the batch is unaffected. */
export const REJECTED_EVENT_CODES = [
  'invalid_event',
  'event_too_large',
  'invalid_type',
  'invalid_message_id',
  'missing_identity',
  'missing_event_name',
  'invalid_timestamp',
  ...VALUE_PROBLEM_CODES,
] as const;
export type RejectedEventCode = (typeof REJECTED_EVENT_CODES)[number];

/** One event of a batch that was not stored. */
export interface RejectedEvent {
  /** Its position in the batch. */
  index: number;
  messageId: string | null;
  code: RejectedEventCode;
  message: string;
}
