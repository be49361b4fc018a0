import type { Handler } from 'hono';
import { requireServerKey } from '../server-key.ts';
import type { SiteDirectory } from '../sites.ts';
import type { PlanReportRow, Store } from '../store/types.ts';

/** The body of `GET /v1/plan/report`. */
export interface PlanReport {
  siteId: string;
  /** Whether the site has a plan (without one nothing is checked). */
  planned: boolean;
  violations: PlanReportRow[];
}

/** `GET /v1/plan/report[?examples=n]`: the site's violation counts; needs its secret server key. */
export function planReportHandler(deps: { store: Store; sites: SiteDirectory }): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const examples = Math.min(20, Math.max(0, Number(context.req.query('examples') ?? 3) || 0));
    const report: PlanReport = {
      siteId: site.id,
      planned: site.plan !== undefined,
      violations: await deps.store.planReport(site.id, { examples }),
    };
    return context.json(report);
  };
}
