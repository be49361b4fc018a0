// The core's side of the tracking plan: small on purpose, as every script-tag user downloads it; the
// check itself is the `plan` chunk (src/plan/index.ts), fetched only when a plan is configured.
import { load } from '../chunks/load.ts';
import type { Settings } from '../config.ts';
import type { Report } from '../core/report.ts';
import type { Envelope } from '../types.ts';

/**
 * `ready` settles once the check is loaded, or could not be (reported: events then go unchecked, never
 * lost); `keep(envelope)` says whether to send it. Without a plan nothing is fetched, everything kept.
 */
export function createPlanGlue(s: Settings, report: Report) {
  let keep = (_: Envelope) => true;
  const ready =
    s.plan &&
    load('plan')
      .then((chunk) => chunk.planGuard(s.plan!, s.planMode, report))
      .then(
        (guard) => {
          keep = guard;
        },
        (error) => report('plan_unavailable', `plan: ${error}; events are sent unchecked`, error),
      );
  return { ready, keep: (envelope: Envelope) => keep(envelope) };
}
