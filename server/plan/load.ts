import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolvePlan } from '../../src/plan/extend.ts';
import type { TrackingPlan } from '../../src/plan/types.ts';
import { validatePlan } from './validate.ts';

/**
 * A site's `plan` from the config: a path to a plan JSON file (relative to the config file) or the plan
 * inline. Validated, with its `extends` (built-in plans, e.g. "ecommerce") resolved.
 */
export function loadSitePlan(raw: unknown, where: string, baseDir: string): TrackingPlan {
  let plan = raw;
  if (typeof raw === 'string') {
    const file = resolve(baseDir, raw);
    try {
      plan = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${where}: cannot read plan ${file}: ${(error as Error).message}`);
    }
  }
  try {
    return resolvePlan(validatePlan(plan, where));
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`.replace(`${where}: ${where}`, where));
  }
}
