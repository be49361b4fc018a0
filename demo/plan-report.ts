// The demo's plan report page (`/plan`): the shop's own server asks the backend for
// GET /v1/plan/report with the site's secret server key, and renders it. The key never reaches a page.
import type { PlanReport } from '../server/index.ts';

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report as an HTML page; a short explanation when the site has no server key. */
export async function planReportPage(backendUrl: string, serverKey: string | undefined): Promise<string> {
  if (!serverKey)
    return page('<p>Add a <code>serverKey</code> to the site in server/omnikit.config.json.</p>');
  const res = await fetch(`${backendUrl}/v1/plan/report?examples=2`, {
    headers: { Authorization: `Bearer ${serverKey}` },
  });
  if (!res.ok) return page(`<p>The backend answered ${res.status}: ${html(await res.text())}</p>`);
  const report = (await res.json()) as PlanReport;
  if (!report.planned) return page('<p>This site has no tracking plan: nothing is checked.</p>');
  const rows = report.violations
    .map(
      (v) =>
        `<tr><td>${html(v.event)}</td><td><code>${html(v.path || '—')}</code></td><td>${v.kind}</td><td>${v.count}</td><td>${v.examples
          .map((e) => html(e.message))
          .join('<br>')}</td></tr>`,
    )
    .join('');
  return page(
    report.violations.length
      ? `<table><tr><th>event</th><th>property</th><th>kind</th><th>count</th><th>examples</th></tr>${rows}</table>`
      : '<p>No violations yet. Use the shop, then reload.</p>',
  );
}

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>Tracking plan report</title>
<style>body{font:14px system-ui;margin:2rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}</style>
<h1>Tracking plan report</h1><p>Events are stored either way; this is what did not match the plan.
<a href="/">Back to the shop</a></p>${body}`;
