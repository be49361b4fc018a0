import { pageOf } from '../core/context.ts';
import { timeOrderedId } from '../core/id.ts';
import type { Report } from '../core/report.ts';
import { withAttribution, withPlan } from '../version.ts';
import type { Draft } from './envelope.ts';
import type { Accept } from './methods.ts';

/** Calls kept in memory while identity loads or consent is pending. */
const MAX_WAITING = 1000;

/** The calls accepted from the page, held until identity (and traffic, plan) loaded and consent allows. */
export interface Waiting {
  /** Queues a call in call order and runs what may run. */
  _push(draft: Draft): void;
  /**
   * Runs the waiting calls once identity is loaded: as events when consent allows; when it refuses,
   * only their identity changes (in memory), for signing in and out need no consent.
   */
  _drain(): void;
  /** Forgets every waiting call, identity changes too (the device starts afresh). */
  _reset(): void;
  /** Identity is loaded: the anonymous id is known. */
  _loaded(): boolean;
  /** Resolves once identity, the traffic source and the plan's check are loaded. */
  _loading: Promise<void>;
}

/**
 * Creates the queue and its loading gate: `identity` loading, then `prepared` (the traffic source and
 * the plan's check, each a chunk) too. `run` turns one call into an event; `allowed` is consent, and
 * `refused` tells a choice that allows no event from one still pending (calls wait for it).
 */
export function createWaiting(
  report: Report,
  allowed: () => boolean,
  refused: () => boolean,
  run: (draft: Draft) => void,
  identity: Promise<unknown>,
  prepared: (Promise<unknown> | undefined)[],
): Waiting {
  const waiting: Draft[] = [];
  let loaded = false;
  let ready = false;
  /** Calls are being dropped from a full `waiting` (reported once, until it drains). */
  let overflowing = false;

  const drain = (): void => {
    if (!loaded || ((withAttribution || withPlan) && !ready)) return;
    const sending = allowed();
    if (!sending && !refused()) return;
    overflowing = false;
    for (const draft of waiting.splice(0)) {
      try {
        if (sending) run(draft);
        else draft._change?.();
      } catch (error) {
        report('internal', `queue: ${error}`, error);
      }
    }
  };
  const identityLoaded = identity
    .catch((error) => report('internal', `identity: ${error}`, error))
    .then(() => {
      loaded = true;
      drain();
    });
  // Events also wait for the page's traffic source (on landings only) and the plan's check (with a
  // plan); anonymousId() does not: a cart may register its device meanwhile.
  const loading =
    withAttribution || withPlan
      ? Promise.all([identityLoaded, ...prepared]).then(() => {
          ready = true;
          drain();
        })
      : identityLoaded;

  return {
    _push(draft) {
      waiting.push(draft);
      if (waiting.length > MAX_WAITING) {
        waiting.shift();
        // Once per overflow, not per call dropped: a page tracking on while consent is pending would
        // otherwise get an error for every call.
        if (!overflowing) report('queue_overflow', `${MAX_WAITING} calls waiting: dropping the oldest`);
        overflowing = true;
      }
      drain();
    },
    _drain: drain,
    _reset: () => {
      waiting.length = 0;
    },
    _loaded: () => loaded,
    _loading: loading,
  };
}

/**
 * Accepts a call from the page into `waiting`, stamped now (time, id, page). `referrer` is the
 * previous URL after an SPA navigation.
 */
export const acceptInto =
  (waiting: Waiting, referrer: () => string | undefined): Accept =>
  (type, fields, change) => {
    const page = pageOf(referrer());
    const at = Date.now();
    waiting._push({
      type,
      at,
      messageId: timeOrderedId(at),
      page,
      fields,
      _change: change,
    });
  };
