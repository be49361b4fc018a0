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

/** JSON-compatible value, as it travels in an event. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Free-form properties or traits; values are repaired to JSON before they are queued. */
export type Properties = Record<string, unknown>;

/** The kinds of event in the Segment spec that Omnikit sends. */
export type EventType = 'track' | 'page' | 'identify' | 'group' | 'alias';

/** The one envelope every event travels in (Segment-compatible). */
export interface Envelope {
  type: EventType;
  messageId: string;
  anonymousId: string;
  userId: string | null;
  timestamp: string;
  sentAt?: string;
  event?: string;
  name?: string;
  properties?: Record<string, JsonValue>;
  traits?: Record<string, JsonValue>;
  groupId?: string;
  previousId?: string;
  context: EventContext;
}

/** Context shared by every event of a page, so all touchpoints tag alike. */
export interface EventContext {
  page: { path: string; referrer: string; search: string; title: string; url: string };
  campaign?: Record<string, string>;
  channel: string;
  library: { name: 'omnikit'; version: string };
  locale: string;
  timezone: string;
  userAgent: string;
  session: { id: number };
  /** Where the session came from (its landing's campaign or referrer); `direct` when from nowhere. */
  traffic?: Traffic;
  /** First and last non-direct touch of this person, on conversions (`Order Completed`, …). */
  attribution?: Touches;
  /** What the tracking plan found wrong with this `track` event (`planMode: 'flag'` only). */
  violations?: Violation[];
  /** The customer's consent when the event was made, per category (Segment's shape). */
  consent?: { categoryPreferences: Record<string, boolean> };
}

/** The traffic source of a session, as analytics tools group it. */
export interface Traffic {
  /** `search`, `social`, `email`, `paid`, `referral` or `direct`. */
  class: ReferrerClass;
  /** utm_source, else the ad network, search engine, social network or referring host. */
  source: string;
  /** utm_medium, else `cpc`, `organic`, `(none)` or the class. */
  medium: string;
  /** utm_campaign. */
  campaign?: string;
  /** The ad click id as `name=value`, e.g. `gclid=Cj0K…`. */
  clickId?: string;
}

/** Where a visit came from, as analytics tools group traffic. */
export type ReferrerClass = 'search' | 'social' | 'email' | 'paid' | 'referral' | 'direct';

/** One marketing touch: where a visit came from (as `context.traffic` has it), and when (ms). */
export interface Touch extends Traffic {
  at: number;
}

/** The first touch ever seen for this identity, and the last one that counts. */
export interface Touches {
  first: Touch;
  last: Touch;
}

/** What can be wrong with a tracked event. */
export type ViolationKind =
  | 'unknown_event'
  | 'missing_required'
  | 'wrong_type'
  | 'bad_enum'
  | 'bad_pattern'
  | 'out_of_range'
  | 'unknown_property'
  | 'naming_event'
  | 'naming_property';

/** One problem: `path` is the property path (`products[0].price`), '' for the event itself. */
export interface Violation {
  kind: ViolationKind;
  path: string;
  message: string;
}
