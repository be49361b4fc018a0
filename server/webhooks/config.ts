import { EVENT_TYPES } from '../events.ts';
import type { SiteKeys } from '../secrets.ts';
import { checkServerSecret, HOW_TO_MAKE_A_SECRET, type SecretPolicy, UnsafeSecretError } from '../secrets.ts';

/** An event type a webhook may ask for (the Segment spec's, as the server stores them). */
export type WebhookEventType = (typeof EVENT_TYPES)[number];

/**
 * Where a site's events go, signed: a CRM or marketing-automation endpoint (server/webhooks/). Loaded
 * from the config's `sites[].webhooks`, each field checked (docs/config.md, "webhooks").
 */
export interface Webhook {
  /** Names the webhook in the delivery list and the metrics; unique within its site, never changed. */
  name: string;
  /** Where deliveries are POSTed: https, or http to a loopback host. */
  url: string;
  /** Signs each delivery (`Omnikit-Signature`); the receiver holds it too, so it is no key of a site. */
  secret: string;
  /** Only track events of these names (absent: every track event). */
  events?: string[];
  /** The event types it receives (default `["track"]`). */
  types: WebhookEventType[];
  /** Consent categories every event must grant in `context.consent.categoryPreferences` (default none). */
  categories: string[];
}

const FIELDS = ['name', 'url', 'secret', 'events', 'types', 'categories'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TYPES: readonly string[] = EVENT_TYPES;

/** Validates a site's `webhooks`, throwing on the first problem with the field named from `where`. */
export function checkWebhooks(raw: unknown, where: string): Webhook[] {
  if (!Array.isArray(raw)) {
    throw new Error(
      `${where} must be an array like [{ "name": "crm", "url": "https://…", "secret": "\${CRM_SECRET}" }]`,
    );
  }
  const names = new Set<string>();
  return raw.map((item: unknown, index) => {
    const webhook = checkWebhook(item, `${where}[${index}]`);
    if (names.has(webhook.name)) {
      throw new Error(`${where}[${index}].name "${webhook.name}" is used by another webhook of the site`);
    }
    names.add(webhook.name);
    return webhook;
  });
}

function checkWebhook(raw: unknown, where: string): Webhook {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${where} must be an object`);
  const fields = raw as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (!FIELDS.includes(field))
      throw new Error(`${where}.${field} is not a webhook field; known: ${FIELDS.join(', ')}`);
  }
  const { name, url, secret, events, types, categories } = fields;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new Error(`${where}.name must be 1-64 letters, digits, "_", "." or "-", like "crm"`);
  }
  checkUrl(url, `${where}.url`);
  // The value is never part of a message: a config error is logged.
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new UnsafeSecretError(`${where}.secret must be a non-empty string; ${HOW_TO_MAKE_A_SECRET}`);
  }
  const webhook: Webhook = {
    name,
    url: url as string,
    secret,
    types: types === undefined ? ['track'] : (strings(types, `${where}.types`) as WebhookEventType[]),
    categories: categories === undefined ? [] : strings(categories, `${where}.categories`, 0),
  };
  webhook.types.forEach((type, index) => {
    if (!TYPES.includes(type))
      throw new Error(`${where}.types[${index}] must be one of ${EVENT_TYPES.join(', ')}`);
  });
  if (events !== undefined) {
    webhook.events = strings(events, `${where}.events`);
    if (!webhook.types.includes('track')) {
      throw new Error(`${where}.events names track events, but ${where}.types has no "track"`);
    }
  }
  return webhook;
}

/**
 * https, as every address a customer's data travels to: plain http only to this machine (a local
 * receiver, a sidecar, the tests). No user name or password (fetch refuses them; the secret is what
 * proves the sender) and no fragment (never sent).
 */
function checkUrl(url: unknown, where: string): void {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new Error(`${where} must be an https: URL, like "https://crm.example/hooks/omnikit"`);
  }
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
    throw new Error(`${where} must use https (plain http only to a loopback host such as 127.0.0.1)`);
  }
  if (parsed.username || parsed.password || parsed.hash || (url as string).includes('#')) {
    throw new Error(`${where} must not hold a user name, password or #fragment`);
  }
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** An array of at least `least` non-empty strings, copied. */
function strings(raw: unknown, where: string, least = 1): string[] {
  if (!Array.isArray(raw) || raw.length < least) {
    const some = least > 0 ? 'a non-empty array of names' : 'an array of names';
    throw new Error(`${where} must be ${some} (leave it out for the default)`);
  }
  raw.forEach((item, index) => {
    if (typeof item !== 'string' || item.trim() === '')
      throw new Error(`${where}[${index}] must be a non-empty string`);
  });
  return [...(raw as string[])];
}

/** A site as the webhook checks see it. */
type SiteWithWebhooks = SiteKeys & { webhooks?: unknown };

/**
 * Checks the shape of every site's `webhooks` (createServer and reloadSites, for sites given in code),
 * then their secrets: 32+ random bytes unless `policy.demo`, and each equal to no other secret and no
 * key of any site. The receiver holds its webhook's secret, so that secret must open nothing else.
 */
export function checkSitesWebhooks(sites: readonly SiteWithWebhooks[], policy: SecretPolicy = {}): void {
  const seen = new Map<string, string>();
  sites.forEach((site, siteIndex) => {
    if (site.webhooks === undefined) return;
    const where = `sites[${siteIndex}].webhooks`;
    checkWebhooks(site.webhooks, where).forEach((webhook, index) => {
      const field = `${where}[${index}].secret`;
      checkServerSecret(webhook.secret, field, sites, policy);
      const other = seen.get(webhook.secret);
      if (other !== undefined) {
        throw new UnsafeSecretError(
          `${field} must be unique, but it equals ${other}; ${HOW_TO_MAKE_A_SECRET}`,
        );
      }
      seen.set(webhook.secret, field);
    });
  });
}
