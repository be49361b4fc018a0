/**
 * Parts of the SDK that only some pages need, loaded on first use: the handoff flow (a page that
 * makes or opens a "continue on another device" link), the verified sign-in with its guest-cart merge (once per sign-in with proof),
 * form drafts (a page with a form to keep), the widget's panel (when idle, or at the first open), the
 * traffic classification (a page load from a campaign or another site), the tracking-plan check
 * (a site with a plan, before its first event), the sync's replication (when it first goes online),
 * the change stream (the tab that holds it) and the consent bridges (a page that turns one on).
 * Here by dynamic import, for bundlers and the npm build; the script-tag builds swap this file for
 * load-script.ts (rollup.config.js), which fetches `omnikit-<name>.js` beside the core script.
 * A chunk imports only types from the core, so it never carries a second copy of it.
 */
const chunks = {
  handoff: () => import('../handoff/handoff.ts'),
  account: () => import('../account/index.ts'),
  forms: () => import('../forms/index.ts'),
  widget: () => import('../widget/panel/index.ts'),
  attribution: () => import('../attribution/index.ts'),
  plan: () => import('../plan/index.ts'),
  replication: () => import('../sync/replication.ts'),
  stream: () => import('../sync/stream.ts'),
  consentMode: () => import('../consent/consent-mode.ts'),
  tcf: () => import('../consent/tcf.ts'),
};

export type Chunks = { [N in keyof typeof chunks]: Awaited<ReturnType<(typeof chunks)[N]>> };

/** Loads chunk `name` (once); rejects when it cannot be fetched. */
export const load = <N extends keyof Chunks>(name: N): Promise<Chunks[N]> =>
  chunks[name]() as Promise<Chunks[N]>;
