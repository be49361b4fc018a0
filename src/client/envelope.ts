import type { Person } from '../identity/identity.ts';
import type { Envelope, EventContext, EventType } from '../types.ts';

/** A call accepted from the page, turned into an event once identity and consent allow. */
export interface Draft {
  type?: EventType;
  at: number;
  messageId: string;
  page: EventContext['page'];
  campaign?: Record<string, string>;
  fields: (person: Person, page: EventContext['page']) => Partial<Envelope>;
  /** An identity change (identify, reset) applied in call order, before this draft's event. */
  _change?: () => void;
}

/** A draft that makes an event (reset and identity changes alone make none). */
export type EventDraft = Draft & { type: EventType };

/** What every event of this client carries besides the draft and the person, read by the caller. */
export interface ClientContext {
  channel: string;
  library: EventContext['library'];
  device: Pick<EventContext, 'locale' | 'timezone' | 'userAgent'>;
  sessionId: number;
}

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
      channel: context.channel,
      library: context.library,
      ...context.device,
      session: { id: context.sessionId },
    },
  };
}
