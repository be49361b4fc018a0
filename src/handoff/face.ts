import { load } from '../chunks/load.ts';
import { inBrowser } from '../core/env.ts';
import type { Properties } from '../protocol/events.ts';
import { RESUME_PARAM } from '../protocol/resume.ts';
import type { Sync } from '../sync/index.ts';
import { HANDOFF_PARAM } from './param.ts';
import type { Handoff } from './types.ts';

/**
 * `omnikit.handoff` over `sync`: the flow lives in a chunk, so a page opened without a handoff (or
 * resume) link never fetches it. A chunk that cannot load is reported through `fail`: no link can be
 * made then. `track` records what a resume link restores.
 */
export const handoffFace = (
  sync: Sync,
  track: (event: string, properties: Properties) => void,
  fail: (error: Error) => undefined,
): Handoff => ({
  create: () =>
    load('handoff').then(
      (flow) => flow.create(sync),
      (error) => fail(error) ?? { problem: 'unavailable' as const },
    ),
  incoming: async () =>
    inBrowser() && [HANDOFF_PARAM, RESUME_PARAM].some((name) => location.hash.includes(`${name}=`))
      ? load('handoff').then((flow) => flow.incoming(sync, track), fail)
      : undefined,
});
