import type { Report } from '../core/report.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Envelope } from '../protocol/events.ts';
import type { Kv } from '../storage/kv.ts';
import { electLeader } from '../tabs/leader.ts';
import { withConsent } from '../version.ts';
import { createFlusher, type Flusher } from './flusher.ts';
import { createOutbox, MAX_BATCH_SIZE, type Outbox } from './outbox.ts';
import { onPageExit } from './page-exit.ts';

export interface DeliveryOptions {
  writeKey: string;
  destinations: Destination[];
  maxOutbox: number;
  flushAt: number;
  flushInterval: number;
  retryBaseDelay: number;
  retryMaxDelay: number;
  _report: Report;
  /** Whether consent allows `destination` to receive events now (always, without categories: asked only with them). */
  _allowed: (destination: Destination) => boolean;
  /** The client's event bus: hears `sent` after each batch a destination took. */
  bus: { emit(type: 'sent', value: { destination: string; count: number }): void };
}

interface Route {
  destination: Destination;
  _outbox: Outbox;
  _flusher: Flusher;
  /** Events (and their JSON sizes) this tab queued that no tab has confirmed delivered yet: what to send on page exit. */
  _unconfirmed: Map<string, [Envelope, number]>;
}
type Message = { kick: number } | { sent: string; ids: string[] };

const MAX_UNCONFIRMED = 500;
const SWEEP_INTERVAL = 30_000;

/**
 * Event delivery for all destinations: a durable outbox and a flusher per destination, one flushing
 * tab per browser, tabs told about new and delivered events over a BroadcastChannel, and a last
 * keepalive send when the page goes away.
 */
export function createDelivery(options: DeliveryOptions) {
  const routes: Route[] = [];
  let channel: BroadcastChannel | undefined;
  let kicks = 0;

  /** `count` more events wait (0: a look for any): each destination's flusher decides when to send. */
  const kick = (count: number) => {
    for (const route of routes) route._flusher._kick(count);
  };
  const forget = (name: string, ids: string[]) => {
    const route = routes.find((r) => r.destination.name === name);
    for (const id of ids) route?._unconfirmed.delete(id);
  };

  /**
   * Takes a consent choice in: the outbox of each destination it does not allow (or of every one,
   * with `everything`: forget()) is emptied, so what waited there is never sent (a destination not
   * allowed takes no new event meanwhile, see `_enqueue`).
   */
  const settle = (everything?: boolean) => {
    for (const route of routes) {
      if (everything || !options._allowed(route.destination)) {
        route._unconfirmed.clear();
        route._outbox._clear!();
      }
    }
  };

  const sendOnExit = () => {
    const room = MAX_BATCH_SIZE / routes.length;
    for (const route of routes) {
      // The newest that fit: the older ones are the likeliest to be stored safely already.
      const newest = (left: number) =>
        [...route._unconfirmed.values()]
          .reverse()
          .filter(([, size]) => {
            left -= size;
            return left >= 0;
          })
          .map(([event]) => event)
          .reverse();
      // Sizes are JSON characters, and a keepalive body may take 64 KB of UTF-8: past it in another
      // script, as many as 3 bytes a character surely fit.
      let events = newest(room);
      if (new Blob([JSON.stringify(events)]).size > room) events = newest(room / 3);
      route._unconfirmed.clear();
      // fetch keepalive while the page goes away; the outbox keeps its copy.
      if (events.length) void route.destination.send(events, true);
    }
  };

  return {
    /** Starts delivering, in a browser page only; `openKv` gives each destination's outbox its storage. */
    _start(openKv: (name: string) => Kv): void {
      const [isLeader, resign] = electLeader(`omnikit:flush:${options.writeKey}`, () => {
        for (const route of routes) void route._flusher._run();
      });
      for (const destination of options.destinations) {
        const kv = openKv(`omnikit-outbox-${destination.name}`);
        const outbox = createOutbox(kv, options.maxOutbox, options._report);
        const flusher = createFlusher(
          destination,
          outbox,
          // Any tab may flush an outbox in memory: it is not shared. Such a tab cannot read the
          // shared one (a newer script's format, say), so it leaves that to another tab.
          () => {
            if (withConsent && !options._allowed(destination)) return false;
            if (kv._durable()) return isLeader();
            resign();
            return true;
          },
          (events) => {
            const ids = events.map((event) => event.messageId);
            forget(destination.name, ids);
            channel?.postMessage({ sent: destination.name, ids } satisfies Message);
            options.bus.emit('sent', { destination: destination.name, count: events.length });
          },
          options,
        );
        routes.push({ destination, _outbox: outbox, _flusher: flusher, _unconfirmed: new Map() });
      }

      // (No BroadcastChannel before Safari 15.4: the constructor throws, and tabs go untold.)
      try {
        channel = new BroadcastChannel(`omnikit:${options.writeKey}`);
        channel.onmessage = ({ data }: MessageEvent<Message>) => {
          if ('sent' in data) forget(data.sent, data.ids);
          else kick(data.kick);
        };
      } catch {}
      onPageExit(sendOnExit);
      // A sweep for events whose tab closed before it could tell the leader about them.
      setInterval(kick, SWEEP_INTERVAL, 0);
    },
    /** Takes a new consent choice in (see `settle`). */
    ...(withConsent && { _settle: settle }),
    /** Queues an event (of `size` characters as JSON) for every destination consent allows. */
    _enqueue(event: Envelope, size: number): void {
      for (const route of routes) {
        if (withConsent && !options._allowed(route.destination)) continue;
        route._unconfirmed.set(event.messageId, [event, size]);
        if (route._unconfirmed.size > MAX_UNCONFIRMED)
          route._unconfirmed.delete(route._unconfirmed.keys().next().value!);
        route._outbox._push(event, size);
        route._flusher._kick(1);
      }
      // Tell the flushing tab once this tick's events are stored, so it finds them when it looks.
      if (!kicks++) {
        void Promise.all(routes.map((route) => route._outbox._written())).then(() => {
          channel?.postMessage({ kick: kicks } satisfies Message);
          kicks = 0;
        });
      }
    },
    /** Stores what was queued, then lets this tab try to send it now. */
    async _flush(): Promise<void> {
      await Promise.all(routes.map((route) => route._outbox._written()));
      await Promise.all(routes.map((route) => route._flusher._run()));
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
