import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebhookListener } from '../webhooks/worker.ts';

/**
 * The webhook worker's metrics: attempts by outcome (`delivered`, `pending`: failed and due again,
 * `failed`: given up), by site and webhook name (both from the config, so bounded), and the pending
 * deliveries of every site, read from the database every 15 s by the worker (a scrape never queries).
 */
export function webhookMetrics(registers: Registry[]): WebhookListener {
  const attempts = new Counter({
    name: 'omnikit_webhook_attempts_total',
    help: 'Webhook delivery attempts by site, webhook and outcome (delivered; pending: failed, retried later; failed: given up).',
    labelNames: ['site', 'webhook', 'outcome'],
    registers,
  });
  const pending = new Gauge({
    name: 'omnikit_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting to be delivered, of every site (all processes sharing the database), as last read.',
    registers,
  });
  return {
    attempted: (site, webhook, outcome) => attempts.inc({ site, webhook, outcome }),
    queueDepth: (count) => pending.set(count),
  };
}
