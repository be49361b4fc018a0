import { signInOut } from './account/sign-in.ts';
import { load } from './chunks/load.ts';
import type { Settings } from './config.ts';
import { createParts, type PartName, type Parts } from './continuity-parts.ts';
import type { Emitter } from './core/emitter.ts';
import { inBrowser } from './core/env.ts';
import type { Report } from './core/report.ts';
import { formsFacade } from './forms/facade.ts';
import { pickUp } from './forms/pick-up.ts';
import type { WatchForm } from './forms/types.ts';
import type { Properties } from './protocol/events.ts';
import { CART_DOC, FORM_DOC_PREFIX, RECENT_DOC } from './protocol/index.ts';
import { keepViewed } from './recent/recent.ts';
import type { Kv } from './storage/kv.ts';
import { emptyStored } from './sync/empty-stored.ts';
import { createSync } from './sync/index.ts';
import type { Omnikit, OmnikitEvents } from './types.ts';
import { withConsent, withForms, withShopState, withWidget } from './version.ts';
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
  let parts: Parts;
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
      parts = createParts(sync, track, internals._report, fail);
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
    /** A part that follows the customer (the cart, the handoff…): continuity starts at the first use of one. */
    _part: <K extends PartName>(name: K): Parts[K] => start()[name],
    forms,
    /** Links this device to a verified user (src/account/sign-in.ts). */
    _identify: account._identify,
    _tracked(event: string, properties: Properties) {
      account._tracked(event);
      // An order placed empties the cart on every device: its lines were bought (no Product Removed).
      if (event === 'Order Completed') emptyStored(start, CART_DOC);
      // Kept only with `personalization`: the customer did not ask for it.
      if (withShopState && event === 'Product Viewed' && client().consent.get?.().personalization !== false)
        keepViewed(start().sync.doc(RECENT_DOC), properties);
    },
    /**
     * `personalization` withdrawn: the drafts code starts, form or not, and discards every draft the
     * device keeps (src/forms/index.ts); without a form, it would wait for the next page with one.
     */
    ...(withConsent && {
      _withdrawn() {
        if (withForms) void draftsCode();
        if (withShopState) emptyStored(start, RECENT_DOC);
      },
    }),
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
