import { createTraffic } from './attribution/traffic.ts';
import { createClient } from './client/index.ts';
import { createContinuity } from './continuity.ts';
import { createPlanGlue } from './plan/glue.ts';
import type { Omnikit, OmnikitConfig } from './types.ts';
import { withAttribution, withPlan } from './version.ts';

export type { ReferrerClass } from './attribution/referrer.ts';
export type { Touch, Touches } from './attribution/touch.ts';
export type { Cart } from './cart/cart.ts';
export type { CartLine, ProductInput } from './cart/line.ts';
export type { MergeChange, MergePolicy } from './cart/merge.ts';
export type { CategoryPreferences, Consent } from './consent/types.ts';
export type { ErrorCode, OmnikitError } from './core/report.ts';
export { httpDestination, segmentDestination } from './destinations/collector.ts';
export type { Delivery, Destination } from './destinations/destination.ts';
export type { FormHandle, Forms, FormsConfig, WatchOptions } from './forms/types.ts';
export type {
  Handoff,
  HandoffLink,
  HandoffProblem,
  HandoffRefused,
  IncomingHandoff,
} from './handoff/types.ts';
export type { PlannedEvent, PlannedProperties, PlannedTrack } from './plan/typed.ts';
export type {
  EventSchema,
  NamingStyle,
  PropertySchema,
  TrackingPlan,
  Violation,
  ViolationKind,
} from './plan/types.ts';
export type { Envelope, EventContext, EventType, JsonValue, Properties, Traffic } from './protocol/events.ts';
export type { HandoffSummary } from './protocol/index.ts';
export type { Loyalty, Order, OrderItem, OrderStatus } from './protocol/shop-state.ts';
export type { Recent, RecentProduct } from './recent/recent.ts';
export type { LoyaltyBalance } from './shop-state/loyalty.ts';
export type { Orders } from './shop-state/orders.ts';
export type { Omnikit, OmnikitConfig, OmnikitEvents, OmnikitTracker } from './types.ts';
export { version } from './version.ts';
export type {
  ChatMessage,
  OpeningHours,
  PreChatField,
  Widget,
  WidgetConfig,
  WidgetEvents,
} from './widget/types.ts';

/**
 * Creates a client with tracking, identity, the cart, sync and handoff that follow the customer, and
 * the tracking-plan check when `plan` is set.
 */
export const createOmnikit = (config: OmnikitConfig): Omnikit =>
  createClient(config, {
    continuity: createContinuity,
    plan: withPlan ? createPlanGlue : undefined,
    traffic: withAttribution ? createTraffic : undefined,
  });
