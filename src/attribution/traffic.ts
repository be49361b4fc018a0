import { inTime } from '../chunks/in-time.ts';
import { load } from '../chunks/load.ts';
import { campaignOf } from '../core/context.ts';
import { inBrowser } from '../core/env.ts';
import type { Report } from '../core/report.ts';
import type { Envelope, Traffic } from '../protocol/events.ts';
import type { Kv } from '../storage/kv.ts';
import { local } from '../storage/local.ts';
import { withConsent } from '../version.ts';
import { externalHost } from './referrer.ts';
import type { Kept } from './touch.ts';

type Session = NonNullable<Kept['session']>;

const KEY = 'touches';
const LOCAL_KEY = `omnikit:${KEY}`;
/** Events wait at most this long (ms) for the attribution chunk; then they go without traffic. */
const CHUNK_CAP = 1500;
const CONVERSIONS = ['Order Completed', 'Checkout Started', 'Form Submitted'];
const DIRECT: Traffic = { class: 'direct', source: '(direct)', medium: '(none)' };

const fresh = (at: number): Kept => ({ first: { ...DIRECT, at }, last: { ...DIRECT, at } });
// A tampered value must not break tagging (a throw in process() loses the event).
const valid = (value: unknown): Kept | undefined =>
  (value as Kept)?.first && (value as Kept).last ? (value as Kept) : undefined;

/**
 * The core's side of attribution. Most page loads (internal navigation, reloads, direct visits) are
 * told apart here for a few bytes; only a landing from a campaign or another site fetches the
 * `attribution` chunk, which classifies it. `kv()` is the IndexedDB store, once storage is allowed.
 */
export function createTraffic(cookieDomain: string | undefined, kv: () => Kv | undefined, report: Report) {
  let kept: Kept | undefined;
  let lost = false;

  // Kept only while `kv()` gives a store: storage allowed, and consent to `marketing`.
  const save = () => {
    const store = kv();
    if (!store) return;
    local.set(LOCAL_KEY, kept);
    void store._setMany([[KEY, kept]]);
  };

  return {
    /** Reads the kept touches and classifies this page load; `durable` when storage is allowed. */
    async _load(durable?: Kv): Promise<void> {
      if (!inBrowser()) return;
      kept = valid(local.get(LOCAL_KEY)) || valid(await durable?._get(KEY));
      const at = Date.now();
      const site = (cookieDomain || location.hostname).replace(/^\./, '');
      const campaign = campaignOf(location.search);
      const referrer = document.referrer;
      if (campaign || externalHost(referrer, site)) {
        try {
          const chunk = await inTime(load('attribution'), CHUNK_CAP);
          kept = chunk.land(kept, campaign, referrer, site, at);
        } catch (error) {
          // Events are not held for it: on this page they go without traffic or attribution.
          lost = true;
          report('internal', `attribution: ${error}`, error);
        }
      }
      kept ||= fresh(at);
      if (durable) save();
    },
    /**
     * Adds `context.traffic` (the session's; direct for a session started without a touch) and, on
     * conversions, `context.attribution`. Runs only on events being sent, so storage is allowed.
     */
    _tag(envelope: Envelope): void {
      if (lost || !kept) return;
      const context = envelope.context;
      const landing = kept.session;
      if (landing && !landing.id) {
        // A landing starts (or re-attributes) the session of its page's first event.
        landing.id = context.session.id;
        save();
      }
      // DIRECT has no id or at: what is left is the traffic.
      const { id, at, ...traffic } = landing?.id === context.session.id ? landing : (DIRECT as Session);
      context.traffic = traffic;
      if (envelope.type === 'track' && CONVERSIONS.includes(envelope.event as string))
        context.attribution = { first: kept.first, last: kept.last };
    },
    /**
     * A new anonymous person (log out at a shared computer) starts with no touches: the next
     * person's conversion must not be credited to the previous person's campaign click.
     */
    _reset(): void {
      kept = fresh(Date.now());
      lost = false;
      save();
    },
    ...(withConsent && {
      /** Consent to `marketing` withdrawn: the touches leave the device (and `store`, if given). */
      // An arrow, not a method: terser flattens this spread only when the object holds no method.
      _forget: (store?: Kv): void => {
        local.remove(LOCAL_KEY);
        void store?._delMany([KEY]);
      },
    }),
  };
}
