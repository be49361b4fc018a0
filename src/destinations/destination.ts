import type { Envelope } from '../protocol/events.ts';

/** What a destination answers for one batch. */
export type Delivery =
  | { ok: true }
  | { ok: false; retry: boolean; status: number; retryAfter?: number; message: string };

/** A place events are delivered to: the Omnikit protocol, a Segment-compatible collector, or your own. */
export interface Destination {
  /** Unique among the configured destinations; names its outbox. */
  name: string;
  /** Consent categories it needs (all granted) to receive events; default `['analytics']`. */
  categories?: string[];
  /** Sends one batch; `keepalive` is set when the page is going away. Must not throw. */
  send(batch: Envelope[], keepalive: boolean): Promise<Delivery>;
}
