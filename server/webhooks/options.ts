import { type Backoff, DEFAULT_BACKOFF } from './backoff.ts';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** How the server delivers webhooks (createServer's `webhooks`); every field has a default. */
export interface WebhookOptions extends Backoff {
  /** How often a server looks for due deliveries (default 1 s); a new event is sent at once anyway. */
  pollMs: number;
  /** Deliveries claimed at most per query (default 50). */
  batchSize: number;
  /** Requests in flight at most, per server process (default 16). */
  concurrency: number;
  /** Longest a receiver may take to answer one attempt (default 10 s). */
  timeoutMs: number;
  /**
   * How long a claim keeps other processes off a delivery (default 60 s); longer than `timeoutMs`,
   * so only a process that died mid-attempt lets another send it again.
   */
  leaseMs: number;
  /** How long a delivery is retried before it is marked failed (default 72 hours). */
  retryForMs: number;
  /** How often the pending deliveries are counted for the metrics' queue depth (default 15 s). */
  queueDepthEveryMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: Readonly<WebhookOptions> = {
  ...DEFAULT_BACKOFF,
  pollMs: SECOND,
  batchSize: 50,
  concurrency: 16,
  timeoutMs: 10 * SECOND,
  leaseMs: 60 * SECOND,
  retryForMs: 72 * HOUR,
  queueDepthEveryMs: 15 * SECOND,
};

/**
 * The options with defaults filled in; a RangeError names a wrong one, as `where` (createServer's
 * `webhooks`, or the config file's `webhookDelivery`) followed by the option's name.
 */
export function webhookOptions(
  given: Partial<WebhookOptions> = {},
  where = 'createServer(): webhooks',
): WebhookOptions {
  const options = { ...DEFAULT_WEBHOOK_OPTIONS };
  for (const name of Object.keys(options) as (keyof WebhookOptions)[]) {
    const value = given[name];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new RangeError(`${where}.${name} must be a number > 0, got ${value}`);
    }
    options[name] = value;
  }
  for (const name of ['batchSize', 'concurrency'] as const) {
    if (!Number.isInteger(options[name])) {
      throw new RangeError(`${where}.${name} must be an integer, got ${options[name]}`);
    }
  }
  if (options.leaseMs <= options.timeoutMs) {
    throw new RangeError(`${where}.leaseMs must be longer than ${where}.timeoutMs`);
  }
  return options;
}

/**
 * The config file's `webhookDelivery`: some of the options, checked as createServer checks them
 * (unknown names refused, so a typo is not silently ignored); the defaults fill in the rest later.
 */
export function webhookDeliveryOf(given: unknown): Partial<WebhookOptions> {
  const names = Object.keys(DEFAULT_WEBHOOK_OPTIONS);
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new Error(`webhookDelivery must be an object of ${names.join(', ')}`);
  }
  const unknown = Object.keys(given).find((name) => !names.includes(name));
  if (unknown !== undefined) {
    throw new Error(`webhookDelivery.${unknown} is no delivery option (${names.join(', ')})`);
  }
  webhookOptions(given as Partial<WebhookOptions>, 'webhookDelivery');
  return { ...(given as Partial<WebhookOptions>) };
}
