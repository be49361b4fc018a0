import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkCatalog } from './catalog.ts';
import { fromEnvironment } from './config-env.ts';
import { checkSitesStaff, checkStaff } from './console/staff-config.ts';
import { checkLimits, type Limits, TrustedProxies } from './limits/index.ts';
import type { MetricsOptions } from './metrics/index.ts';
import { loadSitePlan } from './plan/load.ts';
import { checkRetention } from './retention-config.ts';
import { checkServerSecret, checkSiteKeys, type SecretPolicy } from './secrets.ts';
import type { Site } from './sites.ts';
import { checkSitesWebhooks, checkWebhooks } from './webhooks/config.ts';
import { type WebhookOptions, webhookDeliveryOf } from './webhooks/options.ts';

/** A config file: the sites, and what holds for the whole server. */
export interface ServerConfig {
  sites: Site[];
  /** Server-wide limits over the defaults (createServer's `limits`). */
  limits?: Partial<Limits>;
  /** Proxies whose X-Forwarded-For is believed (createServer's `trustedProxies`). */
  trustedProxies?: string[];
  /** Turns on `GET /metrics` with its token (createServer's `metrics`); off when absent. */
  metrics?: MetricsOptions;
  /** How webhooks are delivered (createServer's `webhooks`): concurrency, timeouts, retries. */
  webhookDelivery?: Partial<WebhookOptions>;
}

/**
 * Reads `{ "sites": [...] }` from a JSON file and validates it, with errors that name the bad field.
 * Example or short secrets are refused unless `policy.demo` (see checkSiteKeys).
 */
export function loadSites(file: string, policy: SecretPolicy = {}): Site[] {
  return loadConfig(file, policy).sites;
}

/**
 * Reads a whole config file, `{ "sites": [...], "limits"?, "trustedProxies"?, "metrics"?,
 * "webhookDelivery"? }`, and
 * validates it, with errors that name the file and the bad field. `${NAME}` in a string is the
 * environment variable NAME of `env` (see fromEnvironment). Example or short secrets are refused
 * unless `policy.demo` (see checkSiteKeys).
 */
export function loadConfig(
  file: string,
  policy: SecretPolicy = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read Omnikit config ${file}: ${(error as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`Omnikit config ${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return validateConfig(fromEnvironment(config, env), dirname(file), policy);
  } catch (error) {
    throw new Error(`Omnikit config ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Validates a parsed config file's content; throws on the first problem found. */
export function validateConfig(
  config: unknown,
  baseDir = process.cwd(),
  policy: SecretPolicy = {},
): ServerConfig {
  const result: ServerConfig = { sites: validateSites(config, baseDir, policy) };
  const { limits, trustedProxies, metrics, webhookDelivery } = config as Record<string, unknown>;
  if (limits !== undefined) result.limits = checkLimits(limits, 'limits', 'server');
  if (trustedProxies !== undefined) {
    if (!Array.isArray(trustedProxies)) {
      throw new Error('trustedProxies must be an array of IP addresses and CIDR ranges, like ["10.0.0.0/8"]');
    }
    TrustedProxies.parse(trustedProxies, 'trustedProxies');
    result.trustedProxies = [...(trustedProxies as string[])];
  }
  if (metrics !== undefined) result.metrics = readMetrics(metrics, result.sites, policy);
  if (webhookDelivery !== undefined) result.webhookDelivery = webhookDeliveryOf(webhookDelivery);
  return result;
}

function readMetrics(metrics: unknown, sites: Site[], policy: SecretPolicy): MetricsOptions {
  const shape = 'metrics must be an object with one field, "token" (e.g. from an environment variable)';
  if (!isObject(metrics) || Object.keys(metrics).some((key) => key !== 'token')) throw new Error(shape);
  const { token } = metrics;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new Error(`metrics.token must be a non-empty string (${shape})`);
  }
  checkServerSecret(token, 'metrics.token', sites, policy);
  return { token };
}

/** Validates a parsed config object; throws on the first problem found. A `plan` path is relative to `baseDir`. */
export function validateSites(config: unknown, baseDir = process.cwd(), policy: SecretPolicy = {}): Site[] {
  const sites = readSites(config, baseDir);
  checkSiteKeys(sites, policy);
  checkSitesWebhooks(sites, policy);
  checkSitesStaff(sites, policy);
  return sites;
}

function readSites(config: unknown, baseDir: string): Site[] {
  if (!isObject(config) || !Array.isArray(config.sites)) {
    throw new Error(
      'expected an object with a "sites" array, like { "sites": [{ "id", "writeKey", "origins", "secret" }] }',
    );
  }
  if (config.sites.length === 0) throw new Error('"sites" is empty: configure at least one site');
  const ids = new Set<string>();
  const writeKeys = new Set<string>();
  return config.sites.map((raw: unknown, index: number): Site => {
    const where = `sites[${index}]`;
    if (!isObject(raw)) throw new Error(`${where} must be an object`);
    const {
      id,
      writeKey,
      origins,
      secret,
      catalog,
      agentKey,
      plan,
      serverKey,
      limits,
      retention,
      webhooks,
      staff,
    } = raw;
    if (typeof id !== 'string' || id.trim() === '') throw new Error(`${where}.id must be a non-empty string`);
    if (ids.has(id)) throw new Error(`${where}.id "${id}" is used by another site`);
    if (typeof writeKey !== 'string' || writeKey.trim() === '') {
      throw new Error(`${where}.writeKey must be a non-empty string`);
    }
    // The write key alone picks the site, so two sites sharing one would be ambiguous.
    if (writeKeys.has(writeKey)) throw new Error(`${where}.writeKey is used by another site`);
    if (!Array.isArray(origins))
      throw new Error(`${where}.origins must be an array (use ["*"] for any origin)`);
    for (const [position, origin] of origins.entries()) checkOrigin(origin, `${where}.origins[${position}]`);
    // Optional: a site without a secret still collects events, it just cannot link devices to users.
    if (secret !== undefined && (typeof secret !== 'string' || secret.trim() === '')) {
      throw new Error(`${where}.secret must be a non-empty string when present`);
    }
    if (agentKey !== undefined && (typeof agentKey !== 'string' || agentKey.trim() === '')) {
      throw new Error(`${where}.agentKey must be a non-empty string when present`);
    }
    ids.add(id);
    writeKeys.add(writeKey);
    const site: Site = { id, writeKey, origins: [...(origins as string[])] };
    if (secret !== undefined) site.secret = secret as string;
    if (catalog !== undefined) site.catalog = checkCatalog(catalog, `${where}.catalog`);
    if (agentKey !== undefined) site.agentKey = agentKey as string;
    if (plan !== undefined) site.plan = loadSitePlan(plan, `${where}.plan`, baseDir);
    if (limits !== undefined) site.limits = checkLimits(limits, `${where}.limits`, 'site');
    if (retention !== undefined) site.retention = checkRetention(retention, `${where}.retention`);
    if (webhooks !== undefined) site.webhooks = checkWebhooks(webhooks, `${where}.webhooks`);
    if (staff !== undefined) site.staff = checkStaff(staff, `${where}.staff`);
    if (serverKey !== undefined) {
      if (typeof serverKey !== 'string' || serverKey.trim() === '') {
        throw new Error(`${where}.serverKey must be a non-empty string when present`);
      }
      site.serverKey = serverKey;
    }
    return site;
  });
}

// Browsers send the Origin header as scheme://host[:port] with no path; anything else would never match.
function checkOrigin(origin: unknown, where: string): void {
  if (origin === '*') return;
  if (typeof origin !== 'string') throw new Error(`${where} must be a string`);
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.origin === 'null' || parsed.origin !== origin) {
    throw new Error(
      `${where} "${origin}" is not an exact origin like "http://localhost:8080" (no path, no trailing slash)`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
