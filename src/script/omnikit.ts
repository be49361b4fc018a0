/** dist/omnikit.js, global `Omnikit`: tracking plus the cart, sync and handoff. */
import { createOmnikit } from '../index.ts';
import { boot } from '../loader.ts';

export { createOmnikit } from '../index.ts';
export { version } from '../version.ts';

boot(createOmnikit);
