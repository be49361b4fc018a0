// `omnikit/plan`: the tracking-plan tools for sites and build scripts (dist/omnikit-plan-tools.mjs). The
// browser core loads only src/plan/index.ts, as a chunk, when a plan is configured.
export { checkEvent } from './check.ts';
export { ecommerce } from './ecommerce.ts';
export { BUILT_IN_PLANS, extendPlan, resolvePlan } from './extend.ts';
export { createPlanCheck, type PlanMode, type PlanVerdict } from './index.ts';
export { omnikit } from './omnikit.ts';
export type { ObjectOf, PlannedEvent, PlannedProperties, PlannedTrack, ValueOf } from './typed.ts';
export type * from './types.ts';
