import { checkEvent } from '../../src/plan/check.ts';
import type { TrackingPlan } from '../../src/plan/types.ts';
import type { PlanViolation } from '../store/types.ts';

/**
 * The plan violations of a batch's valid events, by the same checker the browser runs. Only `track`
 * events are planned; the events themselves are stored whatever this finds.
 */
export function planViolations(plan: TrackingPlan, events: Record<string, unknown>[]): PlanViolation[] {
  const out: PlanViolation[] = [];
  for (const { type, event, messageId, properties } of events) {
    if (type !== 'track' || typeof event !== 'string') continue;
    const props =
      typeof properties === 'object' && properties !== null && !Array.isArray(properties) ? properties : {};
    for (const violation of checkEvent(plan, event, props as Record<string, unknown>)) {
      out.push({
        messageId: messageId as string,
        event,
        path: violation.path,
        kind: violation.kind,
        message: violation.message,
      });
    }
  }
  return out;
}
