// The core's side of the tracking plan: small on purpose, as every script-tag user downloads it; the
// check itself is the `plan` chunk (src/plan/index.ts), fetched only when a plan is configured.
import { inTime } from '../chunks/in-time.ts';
import { load } from '../chunks/load.ts';
import type { Report } from '../core/report.ts';
import type { Envelope } from '../protocol/events.ts';
import type { PlanMode } from './index.ts';
import type { TrackingPlan } from './types.ts';

/** Events wait at most this long (ms) for the check (the chunk, and the plan's URL); then go unchecked. */
const PLAN_CAP = 3000;

/** What the glue reads of the client's settings. */
export interface PlanSettings {
  /** The plan, or the URL it is fetched from (a script tag's `data-plan`). */
  plan?: TrackingPlan | string;
  planMode?: PlanMode;
}

export interface PlanGlue {
  /** Settles once `keep` is set. */
  ready?: Promise<void>;
  /** Whether to send an envelope; unset while the check loads (events wait until it is). */
  keep?: (envelope: Envelope) => boolean;
}

/**
 * Without a plan, keeps everything at once; with one, loads the check. When it cannot be loaded (the
 * chunk, or the plan's URL), that is reported and events go unchecked: never lost.
 */
export function createPlanGlue(settings: PlanSettings, report: Report): PlanGlue {
  const all = () => true;
  const glue: PlanGlue = {};
  if (!settings.plan) glue.keep = all;
  else
    glue.ready = inTime(
      load('plan').then((chunk) => chunk.planGuard(settings.plan!, settings.planMode, report)),
      PLAN_CAP,
    )
      .catch((error) => {
        report('plan_unavailable', `plan: ${error}; events are sent unchecked`, error);
        return all;
      })
      .then((keep) => {
        glue.keep = keep;
      });
  return glue;
}
