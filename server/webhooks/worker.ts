import type { ErrorLog } from '../error-log.ts';
import type { SiteDirectory } from '../sites.ts';
import type { AttemptOutcome, ClaimedDelivery, WebhookStore } from '../store/webhook-types.ts';
import { attempt } from './attempt.ts';
import { retryDelay } from './backoff.ts';
import type { WebhookOptions } from './options.ts';
import { deliveryBody, deliveryHeaders } from './payload.ts';

/** Hears what the worker does, for the metrics. */
export interface WebhookListener {
  attempted(siteId: string, webhook: string, outcome: AttemptOutcome['status']): void;
  queueDepth(pending: number): void;
}

/**
 * Sends due webhook deliveries: claims them from the store with a lease (so no other server process
 * sends one at the same time), POSTs each, and records the outcome: delivered on a 2xx; else due
 * again after a backoff, or failed once its retry horizon has passed. At most `concurrency` requests
 * are in flight; it claims only as many as it has room for, so a slow receiver never makes the
 * process hold a growing pile of deliveries. Runs every `pollMs`, and at once on `nudge()` (an event
 * was just stored). `stop()` waits for the requests in flight (each bounded by `timeoutMs`).
 */
export class WebhookWorker {
  readonly #inFlight = new Set<Promise<void>>();
  #filling: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #depthReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: WebhookStore,
    private readonly sites: SiteDirectory,
    private readonly options: WebhookOptions,
    private readonly now: () => number,
    private readonly errors: ErrorLog,
    private readonly listener?: WebhookListener,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.nudge(), this.options.pollMs);
    // A timer alone must not keep the process (a test, a CLI) alive.
    this.#timer.unref();
    this.nudge();
  }

  /** Looks for due deliveries now (again once the current look is done, if one is going on). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#filling) {
      this.#again = true;
      return;
    }
    this.#filling = this.#fill().finally(() => {
      this.#filling = undefined;
      if (this.#again) {
        this.#again = false;
        this.nudge();
      }
    });
  }

  /** Stops claiming; resolves once the attempts in flight have been recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#filling;
    await Promise.all(this.#inFlight);
  }

  async #fill(): Promise<void> {
    try {
      await this.#readDepth();
      while (!this.#stopped) {
        const room = Math.min(this.options.concurrency - this.#inFlight.size, this.options.batchSize);
        if (room <= 0) return;
        const claimed = await this.store.claimDeliveries(this.now(), this.options.leaseMs, room);
        for (const delivery of claimed) this.#track(this.#deliver(delivery));
        if (claimed.length < room) return;
      }
    } catch (error) {
      this.errors.report('webhooks: claiming deliveries failed, retried at the next poll', error, 'webhooks');
    }
  }

  #track(sending: Promise<void>): void {
    this.#inFlight.add(sending);
    void sending.finally(() => {
      this.#inFlight.delete(sending);
      // A slot is free: there may be more due.
      this.nudge();
    });
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    try {
      const outcome = await this.#attempt(delivery);
      // False when the lease ran out meanwhile and another claim took over: its outcome counts.
      await this.store.recordAttempt(delivery.id, delivery.lease, outcome);
      this.listener?.attempted(delivery.siteId, delivery.webhook, outcome.status);
    } catch (error) {
      // The outcome is lost; the lease runs out and the delivery is sent again (at least once).
      this.errors.report('webhooks: recording an attempt failed, sent again later', error, 'webhooks');
    }
  }

  async #attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const webhook = this.sites
      .byId(delivery.siteId)
      ?.webhooks?.find((hook) => hook.name === delivery.webhook);
    if (!webhook)
      return { status: 'failed', error: 'the webhook is no longer in the config', at: this.now() };
    if (delivery.body === null) {
      return { status: 'failed', error: 'the event is no longer stored (retention)', at: this.now() };
    }
    const body = deliveryBody(delivery, delivery.body);
    const headers = deliveryHeaders(delivery, webhook, body, this.now());
    const result = await attempt(webhook.url, headers, body, this.options.timeoutMs);
    const at = this.now();
    if (result.ok) return { status: 'delivered', at };
    if (at >= delivery.retryUntil) return { status: 'failed', error: result.error, at };
    // A receiver that says when to come back (429, 503) is given that long, up to the longest delay.
    const asked = Math.min(result.retryAfterMs ?? 0, this.options.maxRetryMs);
    const delay = Math.max(retryDelay(delivery.attempts, this.options), asked);
    return { status: 'pending', error: result.error, nextAttemptAt: at + delay };
  }

  async #readDepth(): Promise<void> {
    if (!this.listener) return;
    const at = Date.now();
    if (at - this.#depthReadAt < this.options.queueDepthEveryMs) return;
    this.#depthReadAt = at;
    this.listener.queueDepth(await this.store.pendingDeliveries());
  }
}
