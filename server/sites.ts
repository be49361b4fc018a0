import type { TrackingPlan } from '../src/plan/types.ts';
import type { Catalog } from './catalog-types.ts';
import type { StaffAccount } from './console/staff-config.ts';
import type { SiteLimits } from './limits/defaults.ts';
import type { SiteRetention } from './retention-config.ts';
import type { Webhook } from './webhooks/config.ts';

/** A customer's website (or app) allowed to send events, identified by its public write key. */
export interface Site {
  id: string;
  writeKey: string;
  /** Exact origins allowed to call from a browser, like 'http://localhost:8000', or '*' for any. */
  origins: string[];
  /**
   * HMAC key proving identities (`userHash` of POST /v1/identify). Shared only with the site's own
   * server; without it the site cannot link devices to users.
   */
  secret?: string;
  /** Current prices by variant or product id: cart lines pushed by devices are checked against it. */
  catalog?: Catalog;
  /**
   * Secret of the agent API (`Authorization: Bearer <agentKey>` on /v1/agent/...): support agents read
   * profiles and answer chats with it. Kept on servers only; without it the site has no agent API.
   */
  agentKey?: string;
  /** The site's tracking plan (`extends` resolved): track events are checked against it (server/plan/). */
  plan?: TrackingPlan;
  /** Secret key of the site's own servers: events from server-side channels, the plan report. */
  serverKey?: string;
  /** The site's own limits and quotas, over the server's (docs/protocol.md, "Limits"). */
  limits?: Partial<SiteLimits>;
  /** Days the site keeps each kind of data before housekeeping deletes it; absent: kept until erased. */
  retention?: SiteRetention;
  /** Where the site's events are also POSTed, signed, retried until delivered (server/webhooks/). */
  webhooks?: Webhook[];
  /** Who signs in to the console at /console, with which role (server/console/). */
  staff?: StaffAccount[];
}

/** The configured sites, indexed the two ways a request needs them. */
export class SiteDirectory {
  #byWriteKey = new Map<string, Site>();
  #byId = new Map<string, Site>();
  #byServerKey = new Map<string, Site>();
  #sites: Site[] = [];

  constructor(sites: Site[]) {
    this.replace(sites);
  }

  /** Serves `sites` from now on (a config reloaded): each request sees the old set or the new one. */
  replace(sites: Site[]): void {
    const byWriteKey = new Map<string, Site>();
    const byId = new Map<string, Site>();
    const byServerKey = new Map<string, Site>();
    for (const site of sites) {
      byWriteKey.set(site.writeKey, site);
      byId.set(site.id, site);
      if (site.serverKey) byServerKey.set(site.serverKey, site);
    }
    this.#sites = sites;
    this.#byWriteKey = byWriteKey;
    this.#byId = byId;
    this.#byServerKey = byServerKey;
  }

  /** The site with this id (devices remember their site by id). */
  byId(id: string): Site | undefined {
    return this.#byId.get(id);
  }

  /** Every configured site (the agent key is looked up among them in constant time). */
  all(): readonly Site[] {
    return this.#sites;
  }

  /** The site owning this write key, if any. */
  byWriteKey(writeKey: string): Site | undefined {
    return this.#byWriteKey.get(writeKey);
  }

  /** The site owning this secret server key, if any. */
  byServerKey(serverKey: string): Site | undefined {
    return this.#byServerKey.get(serverKey);
  }

  /**
   * Whether some site accepts this origin. A preflight carries no write key, so this is all we can
   * check before the real request arrives.
   */
  anyAllows(origin: string): boolean {
    return this.#sites.some((site) => siteAllowsOrigin(site, origin));
  }
}

/** Whether a browser page on `origin` may send events for `site`. */
export function siteAllowsOrigin(site: Site, origin: string): boolean {
  return site.origins.includes('*') || site.origins.includes(origin);
}
