import type { AgentHub } from './agent/hub.ts';
import type { CatalogLookup } from './catalog.ts';
import type { ServerLimits } from './limits/index.ts';
import type { SiteDirectory } from './sites.ts';
import type { StatsRecorder } from './stats.ts';
import type { Store } from './store/types.ts';
import type { StreamHub } from './stream-hub.ts';

/** What the protocol routes (§2–§4) share. */
export interface ProtocolDeps {
  store: Store;
  sites: SiteDirectory;
  stats: StatsRecorder;
  hub: StreamHub;
  /** The agents' streams (chat changes, customers typing). */
  agents: AgentHub;
  /** Rate limits, stream limits and quotas, per site. */
  limits: ServerLimits;
  handoffTtlMs: number;
  streamPingMs: number;
  /** The server's clock (ms): the sync horizon and tombstone compaction read it. */
  now: () => number;
  /** Prices of cart lines (protocol §3); the sites' `catalog` by default. */
  catalog: CatalogLookup;
}
