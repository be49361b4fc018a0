/** dist/omnikit-tracker.js, global `Omnikit`: tracking and identity only, for pages without a cart. */
import { createClient } from '../client.ts';
import { boot } from '../loader.ts';
import type { Omnikit, OmnikitConfig } from '../types.ts';

export { version } from '../version.ts';

/** Creates a tracking-only client (no `cart` or `handoff`). */
export const createOmnikit = (config: OmnikitConfig): Omnikit => createClient(config);

boot(createOmnikit);
