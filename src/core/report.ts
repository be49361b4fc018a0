/** Codes of the `error` event: one meaning each (the README's table says what was lost and what comes next). */
export type ErrorCode =
  /** The config cannot work as given (no write key, no destination, a bad option). */
  | 'invalid_config'
  /** A call's argument is not what it must be: the call is dropped, or the argument replaced. */
  | 'invalid_argument'
  /** A value JSON cannot carry (circular, bigint, function, NaN, too deep): repaired, then sent. */
  | 'invalid_value'
  /** An event over 32 KB as JSON: dropped. */
  | 'event_too_large'
  /** A synced value (a cart line, a draft field, a chat message) over 16 KB as JSON: not written. */
  | 'value_too_large'
  /** IndexedDB cannot be used: this page keeps its events in memory. */
  | 'storage_unavailable'
  /** A destination's outbox holds `maxOutbox` events: the oldest were dropped. */
  | 'outbox_overflow'
  /** Over 1,000 calls waited in memory for identity or consent: the oldest were dropped. */
  | 'queue_overflow'
  /** The backend refused for good (a 4xx): what was sent is not retried. */
  | 'delivery_rejected'
  /** A one-off call (a device link, a handoff) could not be made: network error, timeout, 5xx, 408, 429. */
  | 'backend_unavailable'
  /** A `track` event is off the tracking plan. */
  | 'plan_violation'
  /** The tracking plan or its code could not be loaded: events are sent unchecked. */
  | 'plan_unavailable'
  /** A bug or an unexpected failure inside the SDK: caught, so the page goes on. */
  | 'internal';

/** A problem reported through `on('error')`; the SDK never throws into the page. */
export interface OmnikitError {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/**
 * Reports a problem: always as an `error` event, on the console when debugging (or when `loud`).
 * Problems found while the client is being created are held back a microtask, so that a listener
 * added right after `createOmnikit()` hears them.
 */
export type Report = (code: ErrorCode, message: string, detail?: unknown, loud?: boolean) => void;

/** Where reports go: the client's event bus (`on('error')`). */
export interface ErrorBus {
  emit(type: 'error', value: OmnikitError): void;
}

export function createReport(bus: ErrorBus, debug: boolean): Report {
  let creating = true;
  queueMicrotask(() => {
    creating = false;
  });
  return (code, message, detail, loud) => {
    if (debug || loud) console.warn(`[omnikit] ${message}`, detail ?? '');
    const emit = () => bus.emit('error', { code, message, detail });
    creating ? queueMicrotask(emit) : emit();
  };
}
