import type { Report } from '../core/report.ts';
import type { Envelope } from '../protocol/events.ts';
import { emptyKv, type Kv } from '../storage/kv.ts';
import { withConsent } from '../version.ts';

/**
 * Largest batch, in characters of its events' JSON (UTF-16 code units, as the server counts an
 * event): well under the server's body limit in any script, with room for the wrapper.
 */
export const MAX_BATCH_SIZE = 60_000;
const MAX_BATCH_COUNT = 100;

interface Entry {
  event: Envelope;
  /** Characters of the event's JSON (entries stored by earlier versions hold its UTF-8 bytes). */
  bytes: number;
}

let sequence = 0;
/** Keys sort by enqueue time, then by this tab's order; the messageId keeps tabs apart. */
const keyOf = (event: Envelope) =>
  `${Date.now().toString(36).padStart(9, '0')}${(sequence++).toString(36).padStart(6, '0')}:${event.messageId}`;

/**
 * The durable queue of one destination. Events are written before anything is sent, removed only
 * once the destination accepted them (or refused them for good). Writes made in the same tick share
 * one IndexedDB transaction, so a burst of calls does not open a transaction per event.
 */
export function createOutbox(kv: Kv, max: number, report: Report) {
  const buffer: [string, Entry][] = [];
  let writing: Promise<void> = Promise.resolve();

  return {
    /** Queues `event`, of `size` characters as JSON. */
    _push(event: Envelope, size: number): void {
      // The first push of a batch chains its write, which takes the events pushed until it runs.
      if (!buffer.length) writing = writing.then(() => kv._setMany(buffer.splice(0)));
      buffer.push([keyOf(event), { event, bytes: size }]);
    },
    /** Resolves once everything pushed so far is stored. */
    _written: () => writing,
    /** The oldest events that fit in one batch; trims the queue to `max` first (oldest dropped). */
    async _peek(): Promise<[keys: string[], events: Envelope[]]> {
      const all = await kv._entries<Entry>();
      const dropped = all.splice(0, all.length - max); // none while within max
      if (dropped.length) {
        await kv._delMany(dropped.map(([key]) => key));
        report('outbox_overflow', `outbox full: dropped ${dropped.length} oldest events`, {
          dropped: dropped.length,
        });
      }
      const keys: string[] = [];
      const events: Envelope[] = [];
      let size = 0;
      for (const [key, entry] of all) {
        if (events.length === MAX_BATCH_COUNT || (events.length && size + entry.bytes > MAX_BATCH_SIZE))
          break;
        size += entry.bytes + 1;
        keys.push(key);
        events.push(entry.event);
      }
      return [keys, events];
    },
    _remove: kv._delMany,
    ...(withConsent && {
      /** Empties the queue (consent withdrawn): nothing that waited is sent or kept. */
      // An arrow, not a method: terser flattens this spread only when the object holds no method.
      _clear: (): void => {
        buffer.length = 0;
        writing = writing.then(() => emptyKv(kv));
      },
    }),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
