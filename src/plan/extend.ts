import { ecommerce } from './ecommerce.ts';
import { omnikit } from './omnikit.ts';
import type { TrackingPlan } from './types.ts';

/** The plans `extends` may name: `omnikit` (Omnikit's own events), `ecommerce` (Segment's, and Omnikit's). */
export const BUILT_IN_PLANS: Readonly<Record<string, TrackingPlan>> = { ecommerce, omnikit };

/** `base` with `plan`'s events added (an event in both: `plan`'s wins) and its naming rules on top. */
export function extendPlan<B extends TrackingPlan, P extends TrackingPlan>(
  base: B,
  plan: P,
): { naming: B['naming'] & P['naming']; events: Omit<B['events'], keyof P['events']> & P['events'] } {
  return {
    naming: { ...base.naming, ...plan.naming } as B['naming'] & P['naming'],
    events: { ...base.events, ...plan.events } as Omit<B['events'], keyof P['events']> & P['events'],
  };
}

/** A plan with its `extends` (built-in plan names) resolved; throws on an unknown name. */
export function resolvePlan(plan: TrackingPlan): TrackingPlan {
  let resolved: TrackingPlan = { events: {} };
  for (const name of plan.extends ?? []) {
    const base = BUILT_IN_PLANS[name];
    if (!base)
      throw new Error(`unknown built-in plan "${name}" (known: ${Object.keys(BUILT_IN_PLANS).join(', ')})`);
    resolved = extendPlan(resolved, base);
  }
  const { extends: _, $schema: __, ...own } = plan;
  return extendPlan(resolved, own);
}
