/** Size: gzipped bytes (gzip -9, as bench/size.mjs measures) of what a script-tag user loads. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildCode, gzipped, launcherSize } from './builds.mjs';
import type { Sdk } from './peers.ts';
import { iife, installedVersion, ROOT } from './prepare.ts';
import { kb, ratio, table } from './report.ts';

export interface SizeRow {
  label: string;
  version: string;
  raw: number;
  gzip: number;
  source: string;
  /** No ratio to Omnikit's: a difference of two files, or a chunk only some pages load. */
  derived?: boolean;
}

const measure = (file: string) => {
  const raw = readFileSync(file);
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};

export async function sizes(sdks: Sdk[]): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const sdk of sdks) {
    rows.push({ label: sdk.label, version: sdk.version, source: sdk.source, ...measure(await sdk.script()) });
    // The analytics-only script-tag build, for pages without continuity features, when the build has one.
    const tracker = join(ROOT, 'dist/omnikit-tracker.js');
    if (sdk.id === 'omnikit' && existsSync(tracker)) {
      const source = 'dist/omnikit-tracker.js (analytics only; not the file measured in the browser)';
      const only = measure(tracker);
      rows.push({ label: 'Omnikit, tracker only', version: sdk.version, source, ...only });
      // What sync + cart cost a page on top of analytics: the core-only build (tracker, sync, cart)
      // against the tracker alone (tracking and identity, no glue), both built in memory. Gzip of the
      // difference is not the difference of gzips; this row is the latter, what a page pays.
      const [core, tracker2] = await Promise.all([
        buildCode({ forms: false, widget: false, attribution: false, plan: false }),
        buildCode({ continuity: false, attribution: false, plan: false }, undefined, 'src/script/tracker.ts'),
      ]);
      rows.push({
        label: 'Omnikit: cart + local sync on the tracker',
        version: sdk.version,
        source: `core only − tracker alone, each gzipped: ${gzipped(core)} − ${gzipped(tracker2)} = ${gzipped(core) - gzipped(tracker2)} B`,
        raw: core.length - tracker2.length,
        gzip: gzipped(core) - gzipped(tracker2),
        derived: true,
      });
      // The widget's launcher in the core (budget 1.5 KB), against the same build without it.
      const launcher = await launcherSize();
      rows.push({
        label: 'Omnikit: widget launcher added to the core',
        version: sdk.version,
        source: `dist/omnikit.js − the same build without the launcher, each gzipped: ${launcher.full} − ${launcher.without} = ${launcher.added} B`,
        raw: launcher.rawAdded,
        gzip: launcher.added,
        derived: true,
      });
      // Fetched by dist/omnikit.js only on the pages that use them (src/chunks/load.ts).
      const when = {
        handoff: 'a handoff link made or opened',
        account: 'a verified sign-in, with its guest-cart merge',
        forms: 'a form to keep a draft of',
        widget: 'a page with the widget, when idle or at its first open (Preact and the QR encoder included)',
        attribution: 'a page load from a campaign or another site',
        plan: 'a site with a tracking plan',
        replication: 'sync going online: the cart, a synced form, the chat',
        stream: 'the tab that holds the change stream, after its first sync',
      };
      for (const [chunk, use] of Object.entries(when)) {
        const file = `dist/omnikit-${chunk}.js`;
        const source = `${file} (loaded on demand: ${use})`;
        rows.push({
          label: `Omnikit, ${chunk} chunk`,
          version: sdk.version,
          source,
          ...measure(join(ROOT, file)),
          derived: true,
        });
      }
    }
  }
  // RudderStack's CDN build loads its plugins lazily; the bundled build measured above includes them.
  const version = installedVersion('@rudderstack/analytics-js');
  const core = await iife(
    `rudderstack-core-${version}`,
    `export { RudderAnalytics } from '@rudderstack/analytics-js';`,
    'RudderStack',
  );
  rows.push({
    label: 'RudderStack v3, core only',
    version,
    source: 'without plugins, which its CDN build fetches at run time (not measured in the browser)',
    ...measure(core),
  });
  return rows;
}

export function sizeTable(rows: SizeRow[]): string {
  const omnikit = rows[0].gzip;
  return table(
    ['SDK', 'version', 'minified', 'gzip -9', '× Omnikit', 'file'],
    rows.map((row) => [
      row.label,
      row.version,
      kb(row.raw),
      kb(row.gzip),
      row.derived ? '-' : ratio(row.gzip, omnikit),
      row.source,
    ]),
    'llrrrl',
  );
}
