export { createOmnikit } from './client.ts';
export { httpDestination, segmentDestination } from './destinations/collector.ts';
export type {
  Delivery,
  Destination,
  Envelope,
  EventContext,
  EventType,
  JsonValue,
  Omnikit,
  OmnikitConfig,
  OmnikitError,
  OmnikitEvents,
  Properties,
} from './types.ts';
export { version } from './version.ts';
