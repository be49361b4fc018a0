import type { Context } from 'hono';
import { authenticateAgent } from '../agent/auth.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { Site } from '../sites.ts';

/** Staff in the store, as far as a request proves it: the site, and who to name as the sale's maker. */
export interface StoreStaff {
  site: Site;
  /** Recorded with a code a sale used (`claimed_by`): who completed the sale. */
  by: string;
}

/**
 * The staff a store request acts for: the site's agent key (the shop's own tools in the store).
 * Reading a customer's cart by a code they show, and completing their sale, is staff work: never a
 * device's, never the public write key's.
 */
export function authenticateStaff(context: Context, deps: ProtocolDeps): StoreStaff {
  return { site: authenticateAgent(context, deps), by: 'agent-key' };
}
