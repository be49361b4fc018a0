// A chunk (src/chunks/load.ts): the run-time plan check, loaded only by a site that configures a plan.
// It imports nothing from the core; the core imports only its types.
import type { Report } from '../core/report.ts';
import type { Envelope } from '../protocol/events.ts';
import { checkEvent } from './check.ts';
import { resolvePlan } from './extend.ts';
import type { TrackingPlan, Violation } from './types.ts';

export { checkEvent } from './check.ts';
export type {
  EventSchema,
  NamingStyle,
  PropertySchema,
  TrackingPlan,
  Violation,
  ViolationKind,
} from './types.ts';

/** `warn`: log in debug mode; `flag`: send with `context.violations`; `drop`: do not send. */
export type PlanMode = 'warn' | 'flag' | 'drop';

/** What track() does with one event: send it or not, and what was wrong with it. */
export interface PlanVerdict {
  drop: boolean;
  violations: Violation[];
}

/** A track() check for `plan` in `mode`; `report` hears every event that has violations, in every mode. */
export function createPlanCheck(
  plan: TrackingPlan,
  mode: PlanMode,
  report?: (event: string, violations: Violation[]) => void,
): (event: string, properties?: Record<string, unknown>) => PlanVerdict {
  return (event, properties) => {
    const violations = checkEvent(plan, event, properties);
    if (violations.length) report?.(event, violations);
    return { drop: mode === 'drop' && violations.length > 0, violations };
  };
}

/**
 * The client's check (src/plan/glue.ts): `plan` (a URL from the script tag's `data-plan`: fetched once)
 * with its `extends` resolved; answers, per envelope, whether to send it, adding `context.violations`
 * in `flag` mode. Rejects when the plan cannot be had; the client then sends events unchecked.
 */
export async function planGuard(
  plan: TrackingPlan | string,
  mode: PlanMode = 'warn',
  report: Report,
): Promise<(envelope: Envelope) => boolean> {
  if (!['warn', 'flag', 'drop'].includes(mode)) {
    report('invalid_config', `Invalid config: planMode "${mode}" is not warn, flag or drop; warn used`);
    mode = 'warn';
  }
  const check = createPlanCheck(resolvePlan(await planOf(plan)), mode, (event, violations) =>
    report('plan_violation', `${event}: ${violations.map((violation) => violation.message).join('; ')}`, {
      event,
      violations,
    }),
  );
  return (envelope) => {
    if (envelope.type !== 'track') return true;
    try {
      const { drop, violations } = check(envelope.event!, envelope.properties);
      if (mode === 'flag' && violations.length) envelope.context.violations = violations;
      return !drop;
    } catch (error) {
      // A plan the checker cannot apply (say, a pattern that is not a RegExp) never costs an event.
      report('internal', `plan: ${error}`, error);
      return true;
    }
  };
}

async function planOf(plan: TrackingPlan | string): Promise<TrackingPlan> {
  if (typeof plan !== 'string') return plan;
  const response = await fetch(plan);
  if (!response.ok) throw Error(`${plan}: HTTP ${response.status}`);
  return response.json();
}
