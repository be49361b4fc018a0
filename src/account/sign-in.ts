import type { Cart } from '../cart/cart.ts';
import type { MergeChange, MergePolicy } from '../cart/merge.ts';
import { load } from '../chunks/load.ts';
import { inBrowser } from '../core/env.ts';
import type { Sync } from '../sync/index.ts';
import type { SignInClient } from './index.ts';

/** The core's half of a verified sign-in; the link itself is the `account` chunk. */
export interface SignInOut {
  /** Links this device to a verified user (after a checkout in progress ends). */
  _identify(userId: string, userHash: string): void;
  /** Watches the e-commerce events that open and close a checkout. */
  _tracked(event: string): void;
  /** Runs `logOut` after every sign-in asked for before it. */
  _logOut(logOut: () => Promise<unknown>): Promise<void>;
}

/**
 * Signing in and out, in call order: a log-out never lands before the sign-in it follows. A sign-in
 * waits for identity (the anonymous id a new device registers with), never for consent: it is what
 * the customer asked for. A guest cart is merged into the account's once, by the policy; during a
 * checkout the link itself waits until it ends, so the device keeps showing the cart being paid for.
 * `parts` starts continuity; `merged` hears the lines a merge changed; `fail` what went wrong.
 */
export function signInOut(
  settings: { cartMerge?: MergePolicy; channel: string; privacyPolicy?: string },
  client: () => SignInClient & { ready(): Promise<void> },
  parts: () => { sync: Sync; cart: Cart },
  merged: (changes: MergeChange[]) => void,
  fail: (error: Error) => void,
): SignInOut {
  let done = Promise.resolve();
  const next = (task: () => Promise<unknown>) => (done = done.then(task).then(() => {}, fail));
  let checkout = false;
  let pendingLink: [string, string] | undefined;
  const identify = (userId: string, userHash: string) => {
    // Outside a browser page (SSR) there is no device to link: the call is inert.
    if (!inBrowser()) return;
    if (checkout) {
      pendingLink = [userId, userHash];
      return;
    }
    next(async () => {
      await client().ready();
      const { sync, cart } = parts();
      // The sign-in is a chunk: a customer who never signs in with proof never fetches it.
      const account = await load('account');
      const merge = settings.cartMerge ?? 'max';
      const { channel, privacyPolicy } = settings;
      // A policy version that is not text is left out (the server would refuse the record).
      const recorded = { channel, ...(typeof privacyPolicy === 'string' && { policy: privacyPolicy }) };
      const changes = await account.signIn(sync, cart, userId, userHash, merge, client(), recorded);
      if (changes.length) merged(changes);
    });
  };
  return {
    _identify: identify,
    _tracked(event) {
      if (event === 'Checkout Started') checkout = true;
      if (event === 'Order Completed' || event === 'Checkout Cancelled') {
        checkout = false;
        const link = pendingLink;
        pendingLink = undefined;
        if (link) identify(...link);
      }
    },
    _logOut: next,
  };
}
