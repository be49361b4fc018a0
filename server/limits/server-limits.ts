import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { ApiError } from '../errors.ts';
import type { OverQuota, ProfileQuota } from '../store/sync-types.ts';
import { checkLimits } from './check.ts';
import { addressBucket, clientAddress, TrustedProxies } from './client-address.ts';
import {
  DEFAULT_LIMITS,
  type Limits,
  RATE_LIMIT_NAMES,
  type RateLimitName,
  SERVER_WIDE_LIMITS,
  type ServerWideLimitName,
  type SiteLimits,
} from './defaults.ts';

const SERVER_WIDE: readonly string[] = SERVER_WIDE_LIMITS;

import { OpenCounter } from './open-counter.ts';
import { RateLimiter } from './rate-limiter.ts';
import { quotaExceeded, rateLimited, tooManyStreams } from './refusals.ts';

/** What `ServerLimits` is built from. */
export interface LimitsOptions {
  /** Server-wide limits over DEFAULT_LIMITS (createServer's `limits`, the config's top level). */
  limits?: Partial<Limits>;
  /** The sites, each with its own `limits` over the server-wide ones. */
  sites: readonly { id: string; limits?: Partial<SiteLimits> }[];
  /** Proxies whose X-Forwarded-For is believed (addresses and CIDR ranges). */
  trustedProxies?: readonly string[];
  /** The clock of the rate windows (default `Date.now`; tests pin it to step past a window). */
  now?: () => number;
  /**
   * Hears each refusal by the limit it enforced: a 429, or a typing signal dropped (the server's
   * metrics count them).
   */
  onRefusal?: (limit: keyof Limits) => void;
}

/** A site's budgets: every counter of one site, so no site can spend another's. */
interface SiteBudget {
  limits: Limits;
  rates: Map<RateLimitName, RateLimiter>;
  streamsPerDevice: OpenCounter;
  streamsPerIp: OpenCounter;
  agentStreams: OpenCounter;
}

/**
 * The server's limits and quotas, per site: who a request counts against (its device, or its client
 * IP as trusted proxies report it), and the 429s when a budget is spent. Rates and open streams are
 * counted in this process's memory: N processes sharing a database allow up to N times each. The
 * profile quotas are checked by the store, in the push's own transaction, so they hold across them.
 */
export class ServerLimits {
  readonly #trusted: TrustedProxies;
  readonly #defaults: Limits;
  readonly #sites = new Map<string, SiteBudget>();
  readonly #agentKeyFailures: RateLimiter;
  readonly #loginsPerIp: RateLimiter;
  readonly #loginsPerAccount: RateLimiter;
  readonly #now: () => number;
  readonly #refused: (limit: keyof Limits) => void;

  /** Validates everything up front: errors name the field ("limits.syncPerIp.limit", "sites[0].limits..."). */
  constructor(options: LimitsOptions) {
    this.#defaults = { ...DEFAULT_LIMITS, ...checkLimits(options.limits ?? {}, 'limits', 'server') };
    this.#trusted = TrustedProxies.parse(options.trustedProxies ?? [], 'trustedProxies');
    this.replaceSites(options.sites);
    this.#agentKeyFailures = new RateLimiter(this.#defaults.agentKeyFailures);
    this.#loginsPerIp = new RateLimiter(this.#defaults.loginsPerIp);
    this.#loginsPerAccount = new RateLimiter(this.#defaults.loginsPerAccount);
    this.#now = options.now ?? Date.now;
    this.#refused = options.onRefusal ?? (() => {});
  }

  /**
   * Takes the sites' own limits (a config reloaded), validated first. A site whose limits are the same
   * keeps its counts; one whose limits changed starts counting anew.
   */
  replaceSites(sites: LimitsOptions['sites']): void {
    const own = sites.map((site, index) =>
      site.limits === undefined ? {} : checkLimits(site.limits, `sites[${index}].limits`, 'site'),
    );
    sites.forEach((site, index) => {
      const limits = { ...this.#defaults, ...own[index] };
      const current = this.#sites.get(site.id);
      if (!current || JSON.stringify(current.limits) !== JSON.stringify(limits))
        this.#sites.set(site.id, budget(limits));
    });
  }

  /** The client a request counts against: its IP (behind trusted proxies, the one they saw), IPv6 by /64. */
  client(context: Context): string {
    const peer = (context.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;
    return addressBucket(clientAddress(peer, context.req.header('x-forwarded-for'), this.#trusted));
  }

  /**
   * Whether the request reached the server over TLS: its own URL is https, or a trusted proxy (the
   * socket peer) says so in X-Forwarded-Proto. Anyone else's X-Forwarded-Proto is ignored.
   */
  overTls(context: Context): boolean {
    if (new URL(context.req.url).protocol === 'https:') return true;
    const peer = (context.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;
    if (peer === undefined || !this.#trusted.includes(peer)) return false;
    // Each proxy may append its own: the last one is what the proxy next to the server saw.
    const proto = context.req.header('x-forwarded-proto')?.split(',').pop()?.trim().toLowerCase();
    return proto === 'https';
  }

  /**
   * Counts one console login attempt from `client` for the account `name` (right or wrong: checked
   * before the password, so parallel guesses are counted too); throws 429 when either is spent.
   */
  enforceLogin(client: string, name: string): void {
    const now = this.#now();
    const byIp = this.#loginsPerIp.take(client, now);
    if (byIp > 0) {
      this.#refused('loginsPerIp');
      throw rateLimited('loginsPerIp', byIp);
    }
    const byAccount = this.#loginsPerAccount.take(name, now);
    if (byAccount > 0) {
      this.#refused('loginsPerAccount');
      throw rateLimited('loginsPerAccount', byAccount);
    }
  }

  /** Counts one request of `key` (a device id, a client) against a rate; throws its 429 when spent. */
  enforce(siteId: string, name: Exclude<RateLimitName, ServerWideLimitName>, key: string): void {
    const retryAfter = this.#site(siteId).rates.get(name)?.take(key, this.#now()) ?? 0;
    if (retryAfter > 0) {
      this.#refused(name);
      throw rateLimited(name, retryAfter);
    }
  }

  /** Like `enforce`, for what is dropped rather than refused when over (typing signals). */
  allows(siteId: string, name: Exclude<RateLimitName, ServerWideLimitName>, key: string): boolean {
    const allowed = (this.#site(siteId).rates.get(name)?.take(key, this.#now()) ?? 0) === 0;
    if (!allowed) this.#refused(name);
    return allowed;
  }

  /** The most a profile of the site may hold. */
  quota(siteId: string): ProfileQuota {
    const { limits } = this.#site(siteId);
    return { records: limits.recordsPerProfile, bytes: limits.bytesPerProfile };
  }

  /** The 429 of a push the store found over the site's profile quota (see `quota`). */
  overQuota(siteId: string, over: OverQuota): ApiError {
    this.#refused(over.limit === 'records' ? 'recordsPerProfile' : 'bytesPerProfile');
    return quotaExceeded(over, this.quota(siteId));
  }

  /** Takes a device stream's places (per device, per client); returns their release, or throws 429. */
  openStream(siteId: string, deviceId: string, client: string): () => void {
    const site = this.#site(siteId);
    const device = site.streamsPerDevice.open(deviceId);
    if (!device) {
      this.#refused('streamsPerDevice');
      throw tooManyStreams('too_many_streams', 'for this device');
    }
    const address = site.streamsPerIp.open(client);
    if (!address) {
      device();
      this.#refused('streamsPerIp');
      throw tooManyStreams('too_many_streams', 'from this address');
    }
    return () => {
      device();
      address();
    };
  }

  /** Takes an agent stream's place (per agent key, so per site); returns its release, or throws 429. */
  openAgentStream(siteId: string): () => void {
    const release = this.#site(siteId).agentStreams.open(siteId);
    if (!release) {
      this.#refused('agentStreamsPerKey');
      throw tooManyStreams('too_many_agent_streams', 'for this agent key');
    }
    return release;
  }

  /** Throws 429 while `client` is locked out of the agent API by its wrong keys. */
  checkAgentKeyLock(client: string): void {
    const retryAfter = this.#agentKeyFailures.peek(client, this.#now());
    if (retryAfter > 0) {
      this.#refused('agentKeyFailures');
      throw rateLimited('agentKeyFailures', retryAfter);
    }
  }

  /** Counts a wrong agent key from `client`. */
  agentKeyFailed(client: string): void {
    this.#agentKeyFailures.take(client, this.#now());
  }

  /** Forgets every rate count (tests); open streams stay counted while they are open. */
  reset(): void {
    for (const site of this.#sites.values()) for (const rate of site.rates.values()) rate.reset();
    this.#agentKeyFailures.reset();
    this.#loginsPerIp.reset();
    this.#loginsPerAccount.reset();
  }

  // A device of a site that left the config is refused by authentication; the defaults cover the rest.
  #site(siteId: string): SiteBudget {
    let site = this.#sites.get(siteId);
    if (!site) {
      site = budget(this.#defaults);
      this.#sites.set(siteId, site);
    }
    return site;
  }
}

function budget(limits: Limits): SiteBudget {
  const rates = new Map<RateLimitName, RateLimiter>();
  for (const name of RATE_LIMIT_NAMES)
    if (!SERVER_WIDE.includes(name)) rates.set(name, new RateLimiter(limits[name]));
  return {
    limits,
    rates,
    streamsPerDevice: new OpenCounter(limits.streamsPerDevice),
    streamsPerIp: new OpenCounter(limits.streamsPerIp),
    agentStreams: new OpenCounter(limits.agentStreamsPerKey),
  };
}
