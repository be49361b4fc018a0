/**
 * dist/omnikit-tracker.js, global `Omnikit`: tracking and identity only, for pages without a cart;
 * with the traffic source and the tracking plan, as every page's events carry and obey them.
 */
import { createTraffic } from '../attribution/traffic.ts';
import { createClient } from '../client/index.ts';
import { boot } from '../loader.ts';
import { createPlanGlue } from '../plan/glue.ts';
import type { OmnikitConfig, OmnikitTracker } from '../types.ts';
import { withAttribution, withPlan } from '../version.ts';

export { version } from '../version.ts';

/** Creates a tracking-only client: no `cart`, `handoff`, `forms` or `widget`. */
export const createOmnikit = (config: OmnikitConfig): OmnikitTracker =>
  createClient(config, {
    plan: withPlan ? createPlanGlue : undefined,
    traffic: withAttribution ? createTraffic : undefined,
  });

boot(createOmnikit);
