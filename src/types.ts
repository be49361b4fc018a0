// The public API of the SDK, at the composition level: it may name every feature's public types.
import type { Cart } from './cart/cart.ts';
import type { MergeChange, MergePolicy } from './cart/merge.ts';
import type { CategoryPreferences, Consent } from './consent/types.ts';
import type { OmnikitError } from './core/report.ts';
import type { Destination } from './destinations/destination.ts';
import type { Forms, FormsConfig } from './forms/types.ts';
import type { Handoff } from './handoff/types.ts';
import type { PlanMode } from './plan/index.ts';
import type { TrackingPlan } from './plan/types.ts';
import type { Properties } from './protocol/events.ts';
import type { Recent } from './recent/recent.ts';
import type { LoyaltyBalance } from './shop-state/loyalty.ts';
import type { Orders } from './shop-state/orders.ts';
import type { Widget, WidgetConfig } from './widget/types.ts';

/** Configuration for {@link createOmnikit}. */
export interface OmnikitConfig {
  /** The site's public write key. */
  writeKey: string;
  /** Base URL of an Omnikit backend; shorthand for an `http` destination. */
  endpoint?: string;
  /** More destinations, e.g. `segmentDestination(key)`; events fan out to each, independently. */
  destinations?: Destination[];
  /** `context.channel` of every event. Default `web`. */
  channel?: string;
  /** The version of the privacy policy the page shows (e.g. `"2026-12"`): kept with each consent change a verified customer makes. */
  privacyPolicy?: string;
  /** Track a page view on load and on SPA route changes. Default true. */
  autoPage?: boolean;
  /**
   * The customer's choice when the page starts: `granted` (default; all categories), `pending`
   * (nothing is stored or sent until a choice), or per category, as the site's banner stored it.
   */
  consent?: 'granted' | 'pending' | CategoryPreferences;
  /** Mirror the consent to Google Consent Mode v2 (`gtag('consent', 'update', …)`), from a chunk loaded only then. */
  consentMode?: boolean;
  /** Take the consent from the page's IAB TCF v2.2 CMP (`__tcfapi`), from a chunk loaded only then. */
  tcf?: boolean;
  /** Cookie domain for the anonymous id, e.g. `example.com` to share it across subdomains. */
  cookieDomain?: string;
  /** Log problems to the console. */
  debug?: boolean;
  /** Send once this many events wait. Default 20. */
  flushAt?: number;
  /** Longest wait (ms) before a batch is sent. Default 1000. */
  flushInterval?: number;
  /** Most events kept per destination; the oldest are dropped beyond it. Default 10000. */
  maxOutbox?: number;
  /** First retry delay (ms), doubled per failure with jitter. Default 1000. */
  retryBaseDelay?: number;
  /** Longest retry delay (ms). Default 60000. */
  retryMaxDelay?: number;
  /** Idle time (ms) after which a new session starts. Default 30 minutes. */
  sessionTimeout?: number;
  /** How a guest cart joins the account's on first verified identify. Default `max`. */
  cartMerge?: MergePolicy;
  /** Form drafts: `sync` them to linked devices (default: this device only), `maxAge`, `allow`/`deny` field names. */
  forms?: FormsConfig;
  /** The chat-and-cart widget: shown only when set; `true` for its defaults, else exactly its options. */
  widget?: WidgetConfig | boolean;
  /** A tracking plan every `track` event is checked against, in a chunk loaded only then (script tag: `data-plan`, a URL). */
  plan?: TrackingPlan;
  /** What a plan violation does: `warn` (report only), `flag` (send with `context.violations`), `drop`. Default `warn`. */
  planMode?: PlanMode;
}

/** Events a page can listen to with `on()`. */
export interface OmnikitEvents {
  error: OmnikitError;
  sent: { destination: string; count: number };
  /** A guest cart was merged into the account's: what changed, to tell the customer. */
  cartMerged: MergeChange[];
  /** The customer's consent changed: the categories now in effect. */
  consent: CategoryPreferences;
}

/**
 * What every client does: tracking, identity, consent, delivery. The tracker-only script-tag build
 * (`omnikit-tracker.js`) returns just this; every method is safe to call and never throws.
 */
export interface OmnikitTracker {
  /** Records that the customer did something. */
  track(event: string, properties?: Properties): void;
  /** Records a page view; called automatically unless `autoPage: false`. */
  page(name?: string, properties?: Properties): void;
  /**
   * Tags this device's events with a user id and traits. With `userHash` (HMAC-SHA256 of the user id
   * with the site's secret, computed by the site's server) the full client also links this device to
   * the user's other devices: their cart follows. Without it, nothing of the user's state is shared.
   */
  identify(userId: string, traits?: Properties, options?: { userHash?: string }): void;
  /** Associates the user with a group (company, household). */
  group(groupId: string, traits?: Properties): void;
  /** Tells the backend that `previousId` and `userId` are the same person. */
  alias(userId: string, previousId?: string): void;
  /** Forgets the user on this device (log out): new anonymous id and session; their cart leaves it. */
  reset(): void;
  /** Consent by category: while pending, events wait in memory and nothing is stored. */
  consent: Consent;
  /** Sends what waits now; resolves when this tab has tried. */
  flush(): Promise<void>;
  /** Resolves once identity is loaded and earlier calls are queued. */
  ready(): Promise<void>;
  /** The device's anonymous id, once known. */
  anonymousId(): string | undefined;
  /** Listens to `error`, `sent`, `cartMerged` or `consent`; returns the function that stops listening. */
  on<K extends keyof OmnikitEvents>(type: K, listener: (value: OmnikitEvents[K]) => void): () => void;
}

/** The full client (`createOmnikit`, `omnikit.js`): a tracker, plus the state that follows the customer. */
export interface Omnikit extends OmnikitTracker {
  /** The customer's cart, synced across their linked devices. */
  readonly cart: Cart;
  /** "Continue on another device" without logging in. */
  readonly handoff: Handoff;
  /** The customer's orders, live as the shop's systems update them (read-only; signed-in customers). */
  readonly orders: Orders;
  /** The customer's loyalty points, live as the shop's program updates them (read-only; signed-in customers). */
  readonly loyalty: LoyaltyBalance;
  /** Products the customer viewed lately (`Product Viewed`), on every device, with `personalization`. */
  readonly recent: Recent;
  /** Drafts of forms, restored on the customer's next visit (and other devices, with `forms.sync`). */
  readonly forms: Forms;
  /** The chat-and-cart widget (its launcher shows when the config has `widget`). */
  readonly widget: Widget;
  /**
   * Forgets this visitor: the backend erases what it holds through this device (its anonymous
   * events, a guest's cart, drafts and chat; on a signed-in device, only this device and its
   * anonymous events), then everything Omnikit kept on the device goes and a new anonymous visitor
   * starts. Resolves false, changing nothing, when the backend could not be reached.
   */
  forget(): Promise<boolean>;
}
