/** Webhooks out: what the rest of the server uses of server/webhooks/ (README.md there). */
import type { ErrorLog } from '../error-log.ts';
import type { Site, SiteDirectory } from '../sites.ts';
import type { QueuedDeliveries, WebhookStore } from '../store/webhook-types.ts';
import { webhooksOf } from './match.ts';
import type { WebhookOptions } from './options.ts';
import { type WebhookListener, WebhookWorker } from './worker.ts';

export { checkSitesWebhooks, checkWebhooks, type Webhook, type WebhookEventType } from './config.ts';
export { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions, webhookOptions } from './options.ts';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signWebhook,
  type VerifyOptions,
  verifyWebhook,
} from './signature.ts';
export type { WebhookListener } from './worker.ts';

/** The server's webhooks: what ingest queues with its events, and the worker that sends them. */
export class Webhooks {
  readonly #worker: WebhookWorker;

  constructor(
    store: WebhookStore,
    sites: SiteDirectory,
    readonly options: WebhookOptions,
    readonly now: () => number,
    errors: ErrorLog,
    listener?: WebhookListener,
  ) {
    this.#worker = new WebhookWorker(store, sites, options, now, errors, listener);
  }

  /** The deliveries to queue with these events of `site`; undefined when none matches a webhook. */
  queue(site: Site, events: readonly Record<string, unknown>[]): QueuedDeliveries | undefined {
    if (!site.webhooks || site.webhooks.length === 0) return undefined;
    const webhooks = events.map((event) => webhooksOf(event, site.webhooks ?? []));
    if (webhooks.every((names) => names.length === 0)) return undefined;
    const at = this.now();
    return { webhooks, at, retryUntil: at + this.options.retryForMs };
  }

  /** New deliveries were stored: send them now rather than at the next poll. */
  nudge(): void {
    this.#worker.nudge();
  }

  start(): void {
    this.#worker.start();
  }

  stop(): Promise<void> {
    return this.#worker.stop();
  }
}
