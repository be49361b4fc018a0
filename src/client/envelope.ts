import type { Person } from '../identity/identity.ts';
import type { Envelope, EventContext, EventType } from '../protocol/events.ts';

/** A call accepted from the page, turned into an event once identity and consent allow. */
export interface Draft {
  type?: EventType;
  at: number;
  messageId: string;
  page: EventContext['page'];
  /** Set when the event is made: click ids only with consent to `marketing` (known by then). */
  campaign?: Record<string, string>;
  fields: (person: Person, page: EventContext['page']) => Partial<Envelope>;
  /** An identity change (identify, reset) applied in call order, before this draft's event. */
  _change?: () => void;
}

/** A draft that makes an event (reset and identity changes alone make none). */
export type EventDraft = Draft & { type: EventType };

/**
 * What every event of this client carries besides the page and campaign: its channel, library, the
 * device and the session, read by the caller (the builder reads no globals).
 */
export type ClientContext = Omit<EventContext, 'page' | 'campaign'>;

/** The Segment envelope of a draft: pure, so the same inputs always make the same event. */
export function envelopeOf(draft: EventDraft, person: Person, context: ClientContext): Envelope {
  return {
    type: draft.type,
    messageId: draft.messageId,
    anonymousId: person.anonymousId,
    userId: person.userId,
    timestamp: new Date(draft.at).toISOString(),
    ...draft.fields(person, draft.page),
    context: {
      page: draft.page,
      ...(draft.campaign && { campaign: draft.campaign }),
      ...context,
    },
  };
}

/**
 * Writes one timestamp in a task of its own, soon after start-up: a page's first date written as
 * text costs Chromium 0.6-1.1 ms (measured), which would otherwise fall on the page's first event.
 */
export const warmTimestamps = (): void => void setTimeout(() => new Date(0).toISOString());
