import type { createTraffic } from './attribution/traffic.ts';
import { watchRoutes } from './auto-page.ts';
import { settingsOf } from './config.ts';
import type { createContinuity } from './continuity.ts';
import { createArguments } from './core/arguments.ts';
import { campaignOf, deviceContext, pageOf } from './core/context.ts';
import { createEmitter } from './core/emitter.ts';
import { inBrowser } from './core/env.ts';
import { randomId } from './core/id.ts';
import { createReport } from './core/report.ts';
import { jsonBytes } from './core/sanitize.ts';
import { createDelivery } from './delivery/delivery.ts';
import { createIdentity, type Person } from './identity/identity.ts';
import { createSession } from './identity/session.ts';
import type { createPlanGlue } from './plan/glue.ts';
import { MAX_EVENT_CHARS } from './protocol/index.ts';
import { type Kv, openKv } from './storage/kv.ts';
import type {
  Envelope,
  EventContext,
  EventType,
  Omnikit,
  OmnikitConfig,
  OmnikitEvents,
  Properties,
} from './types.ts';
import { version, withAttribution, withContinuity, withPlan } from './version.ts';

/**
 * Largest event accepted, less room for the `sentAt` added when sent. Counted in UTF-8 bytes, never
 * fewer than the characters the server counts, so the server never refuses an event sent.
 */
const MAX_EVENT_BYTES = MAX_EVENT_CHARS - 64;
/** Calls kept in memory while identity loads or consent is pending. */
const MAX_WAITING = 1000;

/** A call accepted from the page, turned into an event once identity and consent allow. */
interface Draft {
  type?: EventType;
  at: number;
  messageId: string;
  page: EventContext['page'];
  campaign?: Record<string, string>;
  fields: (person: Person, page: EventContext['page']) => Partial<Envelope>;
  /** An identity change (identify, reset) applied in call order, before this draft's event. */
  _change?: () => void;
}

/**
 * Creates a client with the parts its entry point builds in (src/index.ts, src/script/tracker.ts):
 * `continuityOf` the cart, sync, handoff, forms and widget; `planOf` the tracking plan's glue;
 * `trafficOf` the traffic source and first/last touch. Safe in any environment: it never throws, not
 * even on a bad config.
 */
export function createClient(
  config: OmnikitConfig,
  continuityOf?: typeof createContinuity,
  planOf?: typeof createPlanGlue,
  trafficOf?: typeof createTraffic,
): Omnikit {
  const bus = createEmitter<OmnikitEvents>();
  const { _settings: s, _problems: problems } = settingsOf(config);
  const report = createReport(bus, s.debug);
  const check = createArguments(report);
  // Configuration mistakes are loud: they silently lose every event otherwise.
  for (const problem of problems) report('invalid_config', `Invalid config: ${problem}`, undefined, true);

  let consent: Omnikit['consent']['state'] = s.consent;
  const stored = () => consent === 'granted';
  const identity = createIdentity(s.cookieDomain);
  const session = createSession(s.sessionTimeout, stored);
  const delivery = createDelivery({ ...s, _report: report, bus });
  const device = deviceContext();
  // Read in a task of its own, off the script's: the first event would otherwise pay for it.
  if (inBrowser()) setTimeout(device);
  const library = { name: 'omnikit' as const, version };
  const waiting: Draft[] = [];
  let loaded = false;
  /** Calls are being dropped from a full `waiting` (reported once, until it drains). */
  let overflowing = false;
  let storageWarned = false;
  let kv: Kv | undefined;
  let spaReferrer: string | undefined;

  const unavailable = (error: unknown) => {
    if (storageWarned) return;
    storageWarned = true;
    report('storage_unavailable', 'IndexedDB unavailable: events kept in memory', error, true);
  };
  const openStore = (name: string) => openKv(name, unavailable);
  /** Opens storage and starts delivery, once storage is allowed; never outside a browser (SSR). */
  const start = (): Kv | undefined => {
    if (!kv && inBrowser()) {
      kv = openStore('omnikit');
      delivery._start(openStore);
    }
    return kv;
  };
  // The client is passed as a getter: continuity uses its public API (track, anonymousId) later.
  const continuity = withContinuity
    ? continuityOf?.(
        s,
        { _openKv: openStore, _report: report, bus, _allowed: () => stored() && inBrowser() },
        () => client,
      )
    : undefined;

  const plan = withPlan ? planOf?.(s, report) : undefined;
  const traffic = withAttribution ? trafficOf?.(s.cookieDomain, start, report) : undefined;
  const identityLoaded = (stored() ? identity._load(start()) : identity._load())
    .catch((error) => report('internal', `identity: ${error}`, error))
    .then(() => {
      loaded = true;
      drain();
    });
  // Events also wait for the page's traffic source (a chunk, on landings only) and the plan's check
  // (a chunk, with a plan); anonymousId() does not: a cart may register its device meanwhile.
  let prepared = false;
  const loading =
    withAttribution || withPlan
      ? Promise.all([identityLoaded, traffic?._load(kv), plan?.ready]).then(() => {
          prepared = true;
          drain();
        })
      : identityLoaded;

  function drain(): void {
    if (!loaded || ((withAttribution || withPlan) && !prepared) || !stored()) return;
    overflowing = false;
    for (const draft of waiting.splice(0)) {
      try {
        process(draft);
      } catch (error) {
        report('internal', `queue: ${error}`, error);
      }
    }
  }

  function process(draft: Draft): void {
    if (draft._change) {
      draft._change();
      identity._save();
    }
    if (!draft.type) return;
    const person = identity._get();
    const envelope: Envelope = {
      type: draft.type,
      messageId: draft.messageId,
      anonymousId: person.anonymousId,
      userId: person.userId,
      timestamp: new Date(draft.at).toISOString(),
      ...draft.fields(person, draft.page),
      context: {
        page: draft.page,
        ...(draft.campaign && { campaign: draft.campaign }),
        channel: s.channel,
        library,
        ...device(),
        session: { id: session._touch(draft.at) },
      },
    };
    if (withAttribution) traffic?._tag(envelope);
    if (withPlan && plan?.keep?.(envelope) === false) return;
    // Measured once, here: the outbox batches by it and the exit send budgets by it.
    const bytes = jsonBytes(envelope);
    if (bytes > MAX_EVENT_BYTES) {
      report('event_too_large', `${draft.type}: ${bytes} bytes > ${MAX_EVENT_BYTES}; dropped`, { bytes });
      return;
    }
    delivery._enqueue(envelope, bytes);
  }

  /** Accepts a call: checked now, queued in call order, turned into an event when allowed. */
  function accept(type: EventType | undefined, fields: Draft['fields'], change?: () => void): void {
    if (consent === 'denied') return;
    const page = pageOf(spaReferrer);
    waiting.push({
      type,
      at: Date.now(),
      messageId: randomId(),
      page,
      campaign: campaignOf(page.search),
      fields,
      _change: change,
    });
    if (waiting.length > MAX_WAITING) {
      waiting.shift();
      // Once per overflow, not per call dropped: a page tracking on while consent is pending would
      // otherwise get an error for every call.
      if (!overflowing) report('queue_overflow', `${MAX_WAITING} calls waiting: dropping the oldest`);
      overflowing = true;
    }
    drain();
  }

  /** Wraps a public method so that nothing it does can throw into the host page. */
  const guard =
    <A extends unknown[]>(method: (...args: A) => void) =>
    (...args: A): void => {
      try {
        method(...args);
      } catch (error) {
        report('internal', `${error}`, error);
      }
    };

  const client: Omnikit = {
    track: guard((event: string, properties?: Properties) => {
      const name = check.id(event, 'track event');
      const props = check._record(properties, 'track properties');
      if (!name) return;
      if (withContinuity) continuity?._tracked(name);
      accept('track', () => ({ event: name, properties: props }));
    }),
    page: guard((name?: string, properties?: Properties) => {
      const title = name === undefined || check.id(name, 'page name');
      const props = check._record(properties, 'page properties');
      if (!title) return;
      // The page context's fields are Segment's page properties.
      accept('page', (_, page) => ({ ...(name && { name }), properties: { ...page, ...props } }));
    }),
    identify: guard((userId: string, traits?: Properties, options?: { userHash?: string }) => {
      const id = check.id(userId, 'identify user id');
      const values = check._record(traits, 'identify traits');
      const userHash = withContinuity && options?.userHash;
      if (!id) return;
      accept(
        'identify',
        () => ({ traits: values }),
        () => {
          identity._update({ userId: id, traits: { ...identity._get().traits, ...values } });
          // Only a hash signed by the site's server links devices; a bare claim just tags events.
          if (withContinuity && typeof userHash === 'string') void continuity?._identify(id, userHash);
        },
      );
    }),
    group: guard((groupId: string, traits?: Properties) => {
      const id = check.id(groupId, 'group id');
      const values = check._record(traits, 'group traits');
      if (id) accept('group', () => ({ groupId: id, traits: values }));
    }),
    alias: guard((userId: string, previousId?: string) => {
      const id = check.id(userId, 'alias user id');
      const previous = previousId === undefined || check.id(previousId, 'alias previous id');
      if (id && previous) {
        accept('alias', (person) => ({
          userId: id,
          previousId: previousId ?? person.userId ?? person.anonymousId,
        }));
      }
    }),
    reset: guard(() =>
      accept(
        undefined,
        () => ({}),
        () => {
          identity._reset();
          session._reset();
          if (withAttribution) traffic?._reset();
          if (withContinuity) continuity?._reset();
        },
      ),
    ),
    consent: {
      grant: guard(() => {
        if (consent === 'granted') return;
        consent = 'granted';
        const durable = start();
        void loading.then(() => {
          if (durable) identity._persistTo(durable);
          drain();
          if (withContinuity) continuity?._allow();
        });
      }),
      deny: guard(() => {
        consent = 'denied';
        waiting.length = 0;
      }),
      get state() {
        return consent;
      },
    },
    flush: async () => {
      try {
        await loading;
        if (stored()) await delivery._flush();
      } catch (error) {
        report('internal', `flush: ${error}`, error);
      }
    },
    ready: () => loading,
    anonymousId: () => (loaded ? identity._get().anonymousId : undefined),
    on: (type, listener) => bus.on(type, listener),
  } as Omnikit;
  // Getters, so the cart starts (and syncs) only when the page first touches it.
  if (withContinuity) {
    Object.defineProperties(client, {
      cart: { get: () => continuity?.cart },
      handoff: { get: () => continuity?.handoff },
      forms: { get: () => continuity?.forms },
      widget: { get: () => continuity?.widget },
    });
  }

  if (s.autoPage && inBrowser()) {
    // After the script-tag stub's queued calls are replayed, so an early identify() tags this view.
    queueMicrotask(() => client.page());
    watchRoutes((previousUrl) => {
      spaReferrer = previousUrl;
      client.page();
    });
  }
  return client;
}
