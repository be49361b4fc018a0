import { load } from '../chunks/load.ts';
import { inBrowser } from '../core/env.ts';
import type { Sync } from '../sync/index.ts';
import type { Handoff } from './handoff.ts';
import { HANDOFF_PARAM } from './param.ts';

/**
 * `omnikit.handoff` over `sync`: the flow lives in a chunk, so a page opened without a handoff link
 * never fetches it. A chunk that cannot load is reported through `fail`: no link can be made then.
 */
export const handoffFace = (sync: Sync, fail: (error: Error) => undefined): Handoff => ({
  create: () =>
    load('handoff').then(
      (flow) => flow.create(sync),
      (error) => fail(error) ?? { problem: 'unavailable' as const },
    ),
  incoming: async () =>
    inBrowser() && location.hash.includes(`${HANDOFF_PARAM}=`)
      ? load('handoff').then((flow) => flow.incoming(sync), fail)
      : undefined,
});
