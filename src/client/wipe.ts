import type { createTraffic } from '../attribution/traffic.ts';
import type { createContinuity } from '../continuity.ts';
import type { Delivery } from '../delivery/delivery.ts';
import { writeCookie } from '../identity/cookie.ts';
import type { Identity } from '../identity/identity.ts';
import type { createSession } from '../identity/session.ts';
import { emptyKv, type Kv } from '../storage/kv.ts';
import { wipeLocal } from '../storage/local.ts';
import { withAttribution } from '../version.ts';
import type { Waiting } from './waiting.ts';

/**
 * Removes what the tracker keeps on this device: the anonymous id's cookie (on `cookieDomain` when
 * set), its localStorage keys, and the entries of its store `kv` (consent withdrawn, forget()).
 * Resolves once the store is empty.
 */
export function wipeTracker(cookieDomain: string | undefined, kv: Kv | undefined): Promise<void> {
  writeCookie('', cookieDomain, 0);
  wipeLocal();
  return kv ? emptyKv(kv) : Promise.resolve();
}

/**
 * Makes the function that starts this device afresh (forget(), or the server erased it): nothing
 * queued is sent, what the tracker kept leaves it (`start()` gives its store while `stored()`), then
 * a new anonymous visitor begins, as after `reset()`. Once per visitor: calls in flight with an
 * erased token all hear `profile_erased`, and only the first may start anew.
 */
export function createAfresh(
  cookieDomain: string | undefined,
  stored: () => boolean,
  start: () => Kv | undefined,
  waiting: Waiting,
  delivery: Delivery,
  identity: Identity,
  session: ReturnType<typeof createSession>,
  traffic?: ReturnType<typeof createTraffic>,
  continuity?: ReturnType<typeof createContinuity>,
): () => Promise<void> {
  let forgotten: string | undefined;
  // Until the device has registered anew, calls still holding the erased token hear it again.
  let running: Promise<void> | undefined;
  const afresh = async () => {
    waiting._reset();
    delivery._settle?.(true);
    // Emptied before the new visitor's identity is stored, or the emptying would take it too.
    await wipeTracker(cookieDomain, stored() ? start() : undefined);
    identity._reset();
    session._reset();
    if (withAttribution) traffic?._reset();
    if (stored()) identity._save();
    await continuity?._reset();
  };
  return () => {
    const visitor = identity._get().anonymousId;
    if (running || visitor === forgotten) return running ?? Promise.resolve();
    forgotten = visitor;
    running = afresh().finally(() => {
      running = undefined;
    });
    return running;
  };
}
