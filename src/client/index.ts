import type { createTraffic } from '../attribution/traffic.ts';
import { watchRoutes } from '../auto-page.ts';
import { settingsOf } from '../config.ts';
import { createConsent } from '../consent/consent.ts';
import type { CategoryPreferences } from '../consent/types.ts';
import type { createContinuity } from '../continuity.ts';
import type { PartName } from '../continuity-parts.ts';
import { createArguments } from '../core/arguments.ts';
import { deviceContext } from '../core/context.ts';
import { createEmitter } from '../core/emitter.ts';
import { inBrowser } from '../core/env.ts';
import { guardWith } from '../core/guard.ts';
import { createReport, type Report } from '../core/report.ts';
import { createDelivery, type Delivery } from '../delivery/delivery.ts';
import { createIdentity } from '../identity/identity.ts';
import { createSession } from '../identity/session.ts';
import { createTimeZone } from '../identity/time-zone.ts';
import type { createPlanGlue } from '../plan/glue.ts';
import type { Omnikit, OmnikitConfig, OmnikitEvents } from '../types.ts';
import {
  withAttribution,
  withBridges,
  withConsent,
  withContinuity,
  withPlan,
  withShopState,
} from '../version.ts';
import { startBridges } from './bridges.ts';
import { warmTimestamps } from './envelope.ts';
import { createMethods } from './methods.ts';
import { createSending } from './sending.ts';
import { createClientStorage } from './storage.ts';
import { acceptInto, createWaiting } from './waiting.ts';
import { createAfresh, wipeTracker } from './wipe.ts';

/** The optional parts an entry point builds in; each is left out of the builds that lack it. */
export interface ClientParts {
  /** The cart, sync, handoff, forms and widget. */
  continuity?: typeof createContinuity;
  /** The tracking plan's glue. */
  plan?: typeof createPlanGlue;
  /** The traffic source and first/last touch. */
  traffic?: typeof createTraffic;
}

/**
 * Creates a client with the parts its entry point builds in (src/index.ts, src/script/tracker.ts).
 * Safe in any environment: it never throws, not even on a bad config.
 */
export function createClient(config: OmnikitConfig, parts: ClientParts = {}): Omnikit {
  const bus = createEmitter<OmnikitEvents>();
  const [s, problems] = settingsOf(config);
  const report = createReport(bus, s.debug);
  const guard = guardWith(report);
  // Configuration mistakes are loud: they silently lose every event otherwise.
  for (const problem of problems) report('invalid_config', `Invalid config: ${problem}`, undefined, true);
  // Each choice settles what may run (a function, hoisted: the parts it drives are made below).
  const [consent, gate] = createConsent(s.consent, s.destinations, s.writeKey, guard, settle);
  const stored = gate._stored;
  const identity = createIdentity(s.cookieDomain);
  const session = createSession(s.sessionTimeout, stored);
  const delivery = createDelivery({ ...s, _report: report, bus, _allowed: gate._allowed });
  const device = deviceContext(createTimeZone(stored));
  const storage = createClientStorage(report, delivery);
  const start = storage._start;
  let spaReferrer: string | undefined;
  // The client is passed as a getter: continuity uses its public API (track, anonymousId) later.
  const continuity = withContinuity
    ? parts.continuity?.(
        s,
        {
          _openKv: storage._openKv,
          _report: report,
          bus,
          _allowed: withConsent ? inBrowser : () => stored() && inBrowser(),
          _erased: () => void afresh(),
        },
        () => client,
      )
    : undefined;
  const plan = withPlan ? parts.plan?.(s, report) : undefined;
  // The tracker's store while consent lets it keep anything; the touches (click ids) need `marketing`.
  const storedKv = () => (stored() ? start() : undefined);
  const touchesKv = withConsent ? () => (consent.get().marketing ? storedKv() : undefined) : start;
  const traffic = withAttribution ? parts.traffic?.(s.cookieDomain, touchesKv, report) : undefined;
  const send = createSending(s, report, identity, session, delivery, device, consent, traffic, plan);
  const kv = storedKv();
  const refused = () => consent.state !== 'pending' && !stored();
  const waiting = createWaiting(report, stored, refused, send, identity._load(kv), [
    traffic?._load(touchesKv()),
    plan?.ready,
  ]);
  const loading = waiting._loading;
  const afresh = createAfresh(
    s.cookieDomain,
    stored,
    start,
    waiting,
    delivery,
    identity,
    session,
    traffic,
    continuity,
  );
  const accept = acceptInto(waiting, () => spaReferrer);
  const client: Omnikit = {
    ...createMethods(guard, createArguments(report), accept, identity, session, traffic, continuity),
    consent,
    flush: flushing(loading, stored, delivery, report),
    ready: () => loading,
    anonymousId: () => (waiting._loaded() ? identity._get().anonymousId : undefined),
    on: bus.on,
  } as Omnikit;
  if (withContinuity) exposeContinuity(client, report, afresh, continuity);
  if (withConsent && withBridges) startBridges(s, client, report);

  /**
   * After each choice (made here or in another tab): what it allows runs; what it withdraws stops,
   * and leaves the device. `before`: the categories in effect until this choice.
   */
  function settle(wasStored: boolean, before: CategoryPreferences): void {
    const preferences = withConsent ? consent.get() : {};
    if (withConsent) delivery._settle!();
    const durable = storedKv();
    if (stored()) {
      void loading.then(() => {
        if (durable) identity._persistTo(durable);
        waiting._drain();
        if (withContinuity) continuity?._allow();
      });
    } else {
      waiting._drain();
      if (withConsent && wasStored) void wipeTracker(s.cookieDomain, start());
    }
    // biome-ignore lint/suspicious/noNonNullAssertedOptionalChain: traffic has _forget with consent categories
    if (withConsent && withAttribution && !preferences.marketing) traffic?._forget!(durable);
    // Drafts are kept only with `personalization`: the drafts code discards them, form or not.
    if (withConsent && withContinuity && before.personalization && !preferences.personalization)
      continuity?._withdrawn?.();
    if (withConsent) bus.emit('consent', preferences);
  }

  if (inBrowser()) warmTimestamps();
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

/** `flush()`: once identity is loaded, sends what waits, if consent lets the tracker keep anything. */
const flushing =
  (loading: Promise<void>, stored: () => boolean, delivery: Delivery, report: Report) => async () => {
    try {
      await loading;
      if (stored()) await delivery._flush();
    } catch (error) {
      report('internal', `flush: ${error}`, error);
    }
  };

/**
 * Getters, so the cart starts (and syncs) only when the page first touches it; and `forget()`, which
 * asks the server to erase what it holds through this device first: if it cannot be told, nothing
 * here changes (the device keeps the token that proves it), and the page may try again.
 */
function exposeContinuity(
  client: Omnikit,
  report: Report,
  afresh: () => Promise<void>,
  continuity?: ReturnType<typeof createContinuity>,
): void {
  client.forget = async () => {
    try {
      if (!(await continuity?._forget())) return false;
      await afresh();
      return true;
    } catch (error) {
      report('internal', `forget: ${error}`, error);
      return false;
    }
  };
  // Each started at its first use: a page that only tracks events registers no device.
  const parts: PartName[] = withShopState
    ? ['cart', 'handoff', 'orders', 'loyalty', 'recent']
    : ['cart', 'handoff'];
  for (const part of parts) Object.defineProperty(client, part, { get: () => continuity?._part(part) });
  Object.defineProperties(client, {
    forms: { get: () => continuity?.forms },
    widget: { get: () => continuity?.widget },
  });
}
