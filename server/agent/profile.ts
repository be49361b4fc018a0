import type { Handler } from 'hono';
import {
  CART_DOC,
  CHAT_DOC,
  FORM_DOC_PREFIX,
  LOYALTY_DOC,
  LOYALTY_KEY,
  looksSecret,
  ORDERS_DOC,
  RECENT_DOC,
} from '../../src/protocol/index.ts';
import { type ChatEntry, isObject, readChat } from '../chat/document.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { DeviceLastSeen, DeviceSummary, ReceivedRecord } from '../store/agent-types.ts';
import { isUnavailable, servable } from '../store/servable.ts';
import type { StoredEvent } from '../store/types.ts';
import { conversationOf } from './conversations.ts';
import { displayName, ownersOf, traitsOf } from './traits.ts';

/** Events in the 360° view. */
export const PROFILE_EVENTS = 20;

/** One event, as the 360° view shows it. */
export interface ProfileEvent {
  messageId: string;
  type: string;
  event: string | null;
  /** Page views' name. */
  name?: string;
  /** `context.channel`: where it happened (`web`, `app`, `store`, `call-centre`…). */
  channel?: string;
  timestamp: string;
  properties?: unknown;
  page?: unknown;
  /** Sent with the site's server key (the shop's own servers); false: with the public write key, a claim. */
  verified: boolean;
}

/** One device of the 360° view: what the store keeps of it, and when it was last heard from. */
export interface ProfileDevice extends DeviceSummary {
  /** When the server last received an event the device sent (write key), ISO 8601; absent: never. */
  lastSeenAt?: string;
  /** The user agent of that event, when it carries one: the console tells the browser and OS from it. */
  userAgent?: string;
}

/** Body of GET /v1/agent/profiles/{profileId}. */
export interface Profile360 {
  profileId: string;
  userId: string | null;
  name?: string;
  /** Whether `name` comes from a verified trait; present with `name`. */
  nameVerified?: boolean;
  /** Verified traits only: from identify events sent with the server key. */
  traits: Record<string, unknown>;
  /** What identify events sent with the write key claim, for traits with no verified value. */
  unverifiedTraits: Record<string, unknown>;
  devices: ProfileDevice[];
  cart: Record<string, unknown>[];
  forms: Record<string, Record<string, unknown>>;
  /** The orders the shop's systems wrote (server key: verified), the one updated last first. */
  orders: Record<string, unknown>[];
  /** The loyalty balance the shop's systems wrote, if any. */
  loyalty: Record<string, unknown> | null;
  /** Products viewed lately (`Product Viewed` on the customer's devices: a claim), newest first. */
  recent: Record<string, unknown>[];
  events: ProfileEvent[];
  messages: ChatEntry[];
  /** Customer messages the agents have not read. */
  unread: number;
}

/** `GET /v1/agent/profiles/{profileId}`: who the customer is and what they were doing. */
export function profileHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { site, profileId } = await conversationOf(context, deps);
    const profile = (await deps.store.profileSummary(site.id, profileId))!;
    const owners = ownersOf(profile);
    const documents = (doc: string) => deps.store.receivedRecords(site.id, profileId, doc);
    const [traits, lastSeen, cartRecords, events, chatRecords, formRecords, shop] = await Promise.all([
      traitsOf(deps, site.id, owners),
      deps.store.lastSeen(site.id, owners.anonymousIds),
      documents(CART_DOC),
      deps.store.eventsOf(site.id, owners, { limit: PROFILE_EVENTS }),
      documents(CHAT_DOC),
      deps.store.liveRecordsOfDocs(site.id, profileId, FORM_DOC_PREFIX),
      Promise.all([documents(ORDERS_DOC), documents(LOYALTY_DOC), documents(RECENT_DOC)]),
    ]);
    const chat = readChat(chatRecords);
    const view: Profile360 = {
      profileId,
      userId: profile.userId,
      traits: servableValues(traits.verified),
      unverifiedTraits: servableValues(traits.unverified),
      devices: profile.devices.map((device) => withLastSeen(device, lastSeen)),
      cart: cartRecords.map(keyed),
      forms: formsOf(formRecords),
      ...shopState(...shop),
      events: events.map(summarize),
      messages: chat.messages,
      unread: chat.unread,
    };
    const name = displayName(chat.messages, traits);
    if (name !== undefined) {
      view.name = name.name;
      view.nameVerified = name.verified;
    }
    return context.json(view);
  };
}

/** A record's value (an object, or `{value}` for anything else) with its key. */
const keyed = (record: ReceivedRecord) => ({
  ...(isObject(record.value) ? record.value : { value: record.value }),
  key: record.key,
});

/** Newest first by a field holding a time (ISO 8601 text, or ms since the epoch). */
const newestFirst = (field: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(b[field]).localeCompare(String(a[field]), 'en', { numeric: true });

/** The shop's state of the 360° view: orders and points (the shop's systems), what was viewed. */
function shopState(orders: ReceivedRecord[], loyalty: ReceivedRecord[], recent: ReceivedRecord[]) {
  const balance = loyalty.find((record) => record.key === LOYALTY_KEY);
  return {
    orders: orders.map(keyed).sort(newestFirst('updatedAt')),
    loyalty: balance ? keyed(balance) : null,
    recent: recentOf(recent),
  };
}

/** The products of the `recent` document, each with its `product_id`, the one viewed last first. */
export const recentOf = (records: ReceivedRecord[]): Record<string, unknown>[] =>
  records.map((record) => ({ ...keyed(record), product_id: record.key })).sort(newestFirst('at'));

function withLastSeen(device: DeviceSummary, lastSeen: DeviceLastSeen[]): ProfileDevice {
  const seen = lastSeen.find((entry) => entry.anonymousId === device.anonymousId);
  if (!seen) return device;
  return { ...device, lastSeenAt: seen.at, ...(seen.userAgent ? { userAgent: seen.userAgent } : {}) };
}

// Drafts are `[value, savedAt, anonymousId]` per field (src/forms); the value is what the agent needs.
// Values were read defensively (a placeholder where one cannot be served, servable.ts).
export function formsOf(records: ReceivedRecord[]) {
  const forms: Record<string, Record<string, unknown>> = {};
  for (const record of records) {
    if (looksSecret(record.key)) continue;
    forms[record.doc] ??= {};
    Object.defineProperty(forms[record.doc], record.key, {
      value: Array.isArray(record.value) ? record.value[0] : record.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return forms;
}

function summarize(event: StoredEvent): ProfileEvent {
  const { body } = event;
  const context = isObject(body.context) ? body.context : {};
  const summary: ProfileEvent = {
    messageId: event.messageId,
    type: event.type,
    event: event.event,
    timestamp: event.timestamp,
    verified: event.credential === 'server',
  };
  if (typeof body.name === 'string') summary.name = body.name;
  if (typeof context.channel === 'string') summary.channel = context.channel;
  // One event stored before the input checks (nested thousands deep, say) must not fail the view.
  if (isUnavailable(body)) summary.properties = body;
  if (body.properties !== undefined) summary.properties = servable(body.properties);
  if (context.page !== undefined) summary.page = servable(context.page);
  return summary;
}

/** A copy of `values` with each value servable (a "__proto__" key stays an own data property). */
function servableValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, servable(value)]));
}
