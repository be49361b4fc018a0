import type { Report } from '../core/report.ts';
import type { Delivery, Destination } from '../destinations/destination.ts';
import type { Envelope } from '../protocol/events.ts';
import { createRetry } from '../protocol/retry.ts';
import type { Outbox } from './outbox.ts';

/** The client's settings a flusher reads, and where it reports. */
export interface FlusherOptions {
  flushAt: number;
  flushInterval: number;
  retryBaseDelay: number;
  retryMaxDelay: number;
  _report: Report;
}

/**
 * Sends one destination's outbox in batches: when `flushAt` events wait or `flushInterval` has
 * passed, at once after a success, and after a failure with exponential backoff and jitter (or as
 * long as `Retry-After` says). Destinations each have their own flusher, so one that fails never
 * holds up or duplicates delivery to another. Created in a browser page only (delivery's start()).
 * `mayFlush` says whether this tab may send now (the leader, or any tab when the outbox is not
 * shared); `onSent` hears each batch the destination took.
 */
export function createFlusher(
  destination: Destination,
  outbox: Outbox,
  mayFlush: () => boolean,
  onSent: (events: Envelope[]) => void,
  options: FlusherOptions,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The delay the pending timer was asked for: a kick past flushAt brings only a later one forward. */
  let timerDelay = 0;
  let running: Promise<void> | undefined;
  const [retryAt, fail, succeeded] = createRetry(options.retryBaseDelay, options.retryMaxDelay);
  let waiting = 0;

  const schedule = (delay: number) => {
    clearTimeout(timer);
    timerDelay = delay;
    timer = setTimeout(
      () => {
        // The timer already waited for retryAt: don't re-check it, a timer may fire a hair early.
        timer = undefined;
        void run(true);
      },
      Math.max(delay, retryAt() - Date.now()),
    );
  };

  async function cycle(): Promise<void> {
    waiting = 0;
    for (;;) {
      if (!mayFlush() || !navigator.onLine) return;
      await outbox._written();
      const [keys, events] = await outbox._peek();
      if (!events.length) return;
      // A send that throws (a page's own destination) is retried like a network error.
      const result = await destination
        .send(events, false)
        .catch(() => ({ ok: false, retry: true }) as Delivery);
      if (!result.ok && result.retry) {
        fail(result.retryAfter);
        schedule(0);
        return;
      }
      succeeded();
      await outbox._remove(keys);
      if (result.ok) onSent(events);
      // Refused for good (a 4xx): retrying cannot help, so say so, with what was lost.
      else
        options._report(
          'delivery_rejected',
          `${destination.name} refused ${events.length} events: ${result.message}`,
          events,
        );
    }
  }

  /** Runs one flush cycle now unless one is running or a retry is pending (`due`: its wait is over). */
  function run(due = Date.now() >= retryAt()): Promise<void> {
    if (!running && due) {
      running = cycle()
        .catch((error) => options._report('internal', `flush: ${error}`, error))
        .finally(() => {
          running = undefined;
          // Kicks that arrived mid-cycle found it busy: give them their own turn.
          if (waiting) kick(0);
        });
    }
    return running ?? Promise.resolve();
  }

  /** `count` more events were queued (by this or another tab): send when enough wait or soon. */
  function kick(count: number): void {
    waiting += count;
    const due = waiting >= options.flushAt;
    // A burst past flushAt re-arms the timer once, not once per event.
    if (!timer || (due && timerDelay)) schedule(due ? 0 : options.flushInterval);
  }

  addEventListener('online', () => {
    succeeded();
    void run();
  });

  return { _kick: kick, _run: () => run() };
}

export type Flusher = ReturnType<typeof createFlusher>;
