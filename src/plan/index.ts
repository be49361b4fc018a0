// A chunk (src/chunks/load.ts): the run-time plan check, loaded only by a site that configures a plan.
// It imports nothing from the core; the core imports only its types.
import { checkEvent } from './check.ts';
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
