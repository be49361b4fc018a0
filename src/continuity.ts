import { signInOut } from './account/sign-in.ts';
import { type Cart, createCart } from './cart/cart.ts';
import { emptyOnOrder } from './cart/order.ts';
import { load } from './chunks/load.ts';
import type { Settings } from './config.ts';
import type { Emitter } from './core/emitter.ts';
import { inBrowser } from './core/env.ts';
import type { Report } from './core/report.ts';
import { formsFacade } from './forms/facade.ts';
import { pickUp } from './forms/pick-up.ts';
import type { WatchForm } from './forms/types.ts';
import { handoffFace } from './handoff/face.ts';
import type { Handoff } from './handoff/handoff.ts';
import type { Properties } from './protocol/events.ts';
import { CART_DOC, FORM_DOC_PREFIX, LOYALTY_DOC, ORDERS_DOC } from './protocol/index.ts';
import { createLoyalty, type LoyaltyBalance } from './shop-state/loyalty.ts';
import { createOrders, type Orders } from './shop-state/orders.ts';
import type { Kv } from './storage/kv.ts';
import { createSync, type Sync } from './sync/index.ts';
import type { Omnikit, OmnikitEvents } from './types.ts';
import { withConsent, withForms, withWidget } from './version.ts';
import { createLauncher } from './widget/launcher.ts';

/** What the client lends continuity beside its settings and public API. */
export interface ContinuityInternals {
  _openKv: (name: string) => Kv;
  _report: Report;
  bus: Emitter<OmnikitEvents>;
  /**
   * Whether storage and sync are allowed now: in a browser, under any consent (the cart, chat and
   * handoff are what the customer asked for: `necessary`); without consent categories, once allowed.
   */
  _allowed: () => boolean;
  /** The server erased this device (protocol §8): the client starts as a new visitor. */
  _erased: () => void;
}

/**
 * State that follows the customer (the cart, and the sync and handoff under it). Created on first
 * use or on a verified identify, so a page that only tracks events never registers a device or opens
 * a stream; until storage is allowed, documents live in memory and nothing is sent.
 */
export function createContinuity(settings: Settings, internals: ContinuityInternals, client: () => Omnikit) {
  const track = (event: string, properties: Properties) => client().track(event, properties);
  const fail = (error: Error) => void internals._report('internal', `${error.message}`, error);
  const anonymousId = () => client().anonymousId() ?? '';
  let parts: { sync: Sync; cart: Cart; handoff: Handoff; orders: Orders; loyalty: LoyaltyBalance };
  // Unless the site syncs them, form drafts stay on the device, and a page whose only part in
  // continuity is a form registers no device and opens no stream (`local` until something else starts).
  const localForms = !settings.forms?.sync;
  const keepLocal = (doc: string) => localForms && doc.startsWith(FORM_DOC_PREFIX);
  let local = withForms;

  const start = (onlyLocal = false) => {
    if (!parts) {
      const sync = createSync({
        ...settings,
        ...internals,
        endpoint: settings.endpoint ?? '',
        anonymousId,
        _local: withForms ? keepLocal : undefined,
      });
      parts = {
        sync,
        cart: createCart(sync.doc(CART_DOC), track, internals._report),
        orders: createOrders(sync.doc(ORDERS_DOC)),
        loyalty: createLoyalty(sync.doc(LOYALTY_DOC)),
        handoff: handoffFace(sync, fail),
      };
    }
    local &&= onlyLocal;
    if ((settings.endpoint || local) && internals._allowed()) parts.sync.start(local);
    return parts;
  };
  let formsCode: Promise<WatchForm | undefined> | undefined;
  // The drafts code is a chunk: a page that watches no form never fetches it.
  const draftsCode = () => {
    const { sync } = start(localForms); // the store loads meanwhile
    formsCode ??= load('forms').then(
      (chunk) => chunk.createForms(sync, client, internals._report, settings.forms),
      fail,
    );
    return formsCode;
  };
  const ordered = emptyOnOrder(start);
  const forms = withForms ? formsFacade(draftsCode, internals._report) : undefined;
  if (forms && inBrowser()) pickUp((form) => forms.watch(form));
  const account = signInOut(
    settings,
    client,
    start,
    (changes) => internals.bus.emit('cartMerged', changes),
    fail,
  );

  // The panel brings the chat; it syncs, so it starts continuity. `true`: the widget's defaults; an
  // object: exactly its options, nothing else of the config.
  const { widget: shown } = settings;
  const widget = withWidget
    ? createLauncher(
        shown === true ? {} : shown || undefined,
        settings.writeKey,
        () => start().sync,
        client,
        fail,
      )
    : undefined;

  return {
    widget,
    get cart() {
      return start().cart;
    },
    get handoff() {
      return start().handoff;
    },
    get orders() {
      return start().orders;
    },
    get loyalty() {
      return start().loyalty;
    },
    forms,
    /** Links this device to a verified user (src/account/sign-in.ts). */
    _identify: account._identify,
    _tracked(event: string) {
      account._tracked(event);
      if (event === 'Order Completed') ordered();
    },
    /**
     * `personalization` withdrawn: the drafts code starts, form or not, and discards every draft the
     * device keeps (src/forms/index.ts); without a form, it would wait for the next page with one.
     */
    ...(withConsent && { _withdrawn: () => void (withForms && draftsCode()) }),
    /** Storage became allowed: start syncing what the page already touched. */
    _allow(): void {
      if (parts) start(local);
    },
    /**
     * forget(): the server erases what it holds through this device (its anonymous events, its guest
     * profile's documents), then the documents leave the device; false when the server was not told.
     */
    _forget: (): Promise<boolean> =>
      settings.endpoint && inBrowser() ? start().sync._forget() : Promise.resolve(true),
    /** Log out: this customer's documents leave the device; a fresh anonymous device starts. */
    _reset: () =>
      account._logOut(async () => {
        if (settings.endpoint && internals._allowed()) await start().sync.reset();
      }),
  };
}
