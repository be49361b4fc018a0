// Size budgets of what users download, gzip -9 (node zlib level 9). Run after `npm run build`.
// Exits 1 when an artifact with a budget is over it, or missing.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildCode, featureSize, gzipped } from './builds.mjs';
import { readmeSizes } from './readme-sizes.mjs';

/**
 * What consent by category adds to the core. It was to hold in 400 B, and held them until a
 * withdrawal was made to hold everywhere: in the site's other open tabs at once (35 B), for the
 * drafts on a page without a form (21 B), and for the click ids in the page's address (62 B), each
 * a privacy promise docs/privacy.md makes; then recently viewed, removed on withdrawal too (16 B).
 * Measured at 553–556 B (gzip moves it a few bytes with unrelated changes). No cut found yet frees those ~140 B (measured cuts and
 * ideas: CONTRIBUTING.md, "Measure bytes"), so the budget is what it measures, kept honest: the tracker
 * carries 72 B of the excess (no drafts there), and omnikit.js none, its own headroom takes them.
 */
const CONSENT_TARGET = 400;
const CONSENT_GLUE = 560;

/**
 * What the shop's state adds to the core, at most: `orders` and `loyalty` (read-only views of the
 * documents the shop's servers write) and `recent` (products viewed), with the in-store code to come:
 * measured on its own (the row "shop state").
 */
const SHOP_STATE = 300;

/** One row per shipped artifact; `budget` is in gzipped bytes (null = measured, not enforced). */
const ARTIFACTS = [
  // The tracker's 6 KB (guarded below on a build of exactly its features), plus the glue every page
  // needs: the traffic source, the tracking plan, and the chunk loader they fetch their chunks with.
  // Consent by category adds its glue to both script tags (measured on its own below: see
  // CONSENT_GLUE for the 72 B over its target here), and the tracker's foundation its plumbing
  // (below). + 32 B: the stub's queue takes functions too (`omnikit.push(fn)`, src/loader.ts), the
  // same in both script tags, so a page's code works with either.
  {
    file: 'dist/omnikit-tracker.js',
    label: 'script tag, tracker only',
    budget: 7 * 1024 + CONSENT_TARGET + 128 + 72 + 32,
  },
  // The core, form pick-up and the widget launcher (measured on its own below), with a headroom kept.
  {
    file: 'dist/omnikit.js',
    label: 'script tag, full (core, forms, launcher)',
    budget: 12 * 1024 + CONSENT_TARGET + SHOP_STATE,
  },
  // Chunks the full script-tag client fetches on demand (src/chunks/load.ts), beside omnikit.js.
  { file: 'dist/omnikit-handoff.js', label: 'chunk: handoff flow', budget: 1024 },
  { file: 'dist/omnikit-account.js', label: 'chunk: verified sign-in, guest-cart merge', budget: 1024 },
  { file: 'dist/omnikit-forms.js', label: 'chunk: form drafts', budget: 2 * 1024 },
  // The widget's panel (chat, cart, QR), Preact and the QR encoder included.
  { file: 'dist/omnikit-widget.js', label: 'chunk: widget panel (Preact, QR)', budget: 20 * 1024 },
  // The tracking-plan checker with its fetch and `extends` (1.8 KB), and the built-in plans `extends` names
  // (e-commerce and Omnikit's own events, 0.9 KB of data); fetched only by a site with a plan.
  { file: 'dist/omnikit-plan.js', label: 'chunk: tracking-plan check + built-in plans', budget: 3 * 1024 },
  // Referrer classes and first/last touch, fetched only by a page load from a campaign or another site.
  { file: 'dist/omnikit-attribution.js', label: 'chunk: traffic classification', budget: 1024 },
  // The sync's replication (session, push and pull, schedule), fetched when sync first goes online.
  { file: 'dist/omnikit-replication.js', label: 'chunk: sync replication', budget: 2.5 * 1024 },
  // The change stream's reader, fetched by the tab that holds the stream, after its first sync.
  { file: 'dist/omnikit-stream.js', label: 'chunk: change stream', budget: 1024 },
  // The consent bridges, fetched only by a page that turns one on: Google Consent Mode v2, IAB TCF v2.2.
  { file: 'dist/omnikit-consentMode.js', label: 'chunk: Google Consent Mode bridge', budget: 512 },
  { file: 'dist/omnikit-tcf.js', label: 'chunk: IAB TCF bridge', budget: 512 },
  // omnikit.mjs only re-exports the public API from it; the chunks import what they share from it too.
  {
    file: 'dist/omnikit-core.mjs',
    label: 'npm (ESM, deps external): what omnikit.mjs re-exports',
    budget: null,
  },
  // The bindings, as published (not minified: the app's bundler minifies). No SDK code in them: the
  // app's client is passed in, and React or Vue is the app's.
  { file: 'dist/omnikit-react.mjs', label: 'npm: omnikit/react (hooks), React external', budget: 1536 },
  { file: 'dist/omnikit-vue.mjs', label: 'npm: omnikit/vue (composables), Vue external', budget: 1536 },
  // The staff console the backend serves at /console (server/console/public/): staff download it, never
  // a shop's customers. Separate requests, so each file is gzipped on its own and the sizes added.
  // 12 KB for the agents' view, 4 KB more since the associates' store view.
  {
    file: 'console',
    label: 'server: the staff console at /console (page, scripts, styles)',
    budget: 16 * 1024,
    files: readdirSync(new URL('../server/console/public/', import.meta.url)).map(
      (name) => `server/console/public/${name}`,
    ),
  },
  // The QR decoder the console's store view fetches only where the browser has no BarcodeDetector
  // (Chrome on Windows and Linux, Firefox, Safari on macOS): jsQR as published, a dependency of the
  // server's package.
  {
    file: 'node_modules/jsqr/dist/jsQR.js',
    label: "server: the console's QR decoder (jsQR), only without BarcodeDetector",
    budget: 64 * 1024,
  },
];

/**
 * Budgets of the two foundations, for exactly their features: the glue added since (the form pick-up,
 * the widget's launcher, the attribution, tracking-plan and consent glue) turned off. Built here in
 * memory, from the same config. The tracker: 6 KB, and 128 B since consent categories for the
 * plumbing a build without them keeps (the consent face's all-or-nothing stand-in, the gate the
 * client asks, campaigns read when an event is made, destinations checked one by one): 6,142 B
 * before them, 6,220 B after. The core (tracker, sync and cart): 9.5 KB (9,728 B), so that readable
 * code keeps a headroom of at least 256 B, and the shop's state (SHOP_STATE) on top.
 */
const SCOPED = [
  {
    file: 'tracker alone',
    label: 'tracker only, without the attribution, plan and consent glue',
    budget: 6 * 1024 + 128,
    build: () =>
      buildCode(
        { continuity: false, attribution: false, plan: false, consent: false },
        undefined,
        'src/script/tracker.ts',
      ),
  },
  {
    file: 'core only',
    label: "tracker + sync + cart, and the shop's state",
    budget: 9.5 * 1024 + SHOP_STATE,
    build: () => buildCode({ forms: false, widget: false, attribution: false, plan: false, consent: false }),
  },
];

/**
 * What a chunk would add to omnikit.js if it were inlined: the full client built with the module's
 * exports kept alive, minus the same build without it.
 */
const ADDED = [
  { file: '+ attribution inlined', label: 'if not a chunk (it is one)', module: 'src/attribution/index.ts' },
  { file: '+ plan check inlined', label: 'if not a chunk (it is one)', module: 'src/plan/index.ts' },
];

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const rows = [];
const failures = [];
/** What was measured, for the README: a file's `{ gz, budget }`, a feature's `{ added, budget }`. */
const measured = new Map();

for (const { file, label, budget, build, files } of [...ARTIFACTS, ...SCOPED]) {
  let parts;
  try {
    const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url));
    parts = files ? files.map(read) : [build ? await build() : read(file)];
  } catch {
    failures.push(`${file} is missing: run \`npm run build\` first.`);
    rows.push({
      file,
      label,
      raw: '-',
      gzip: '-',
      budget: budget ? kb(budget) : '-',
      headroom: '-',
      status: 'MISSING',
    });
    continue;
  }
  const raw = Buffer.concat(parts);
  const gz = parts.reduce((sum, part) => sum + gzipSync(part, { level: 9 }).length, 0);
  measured.set(file, { gz, budget });
  const over = budget !== null && gz > budget;
  if (over)
    failures.push(`${file} is ${gz} bytes gzipped, over its budget of ${budget} bytes by ${gz - budget}.`);
  rows.push({
    file,
    label,
    raw: kb(raw.length),
    gzip: `${kb(gz)} (${gz} B)`,
    budget: budget === null ? '-' : kb(budget),
    headroom: budget === null ? '-' : `${budget - gz} B`,
    status: budget === null ? '' : over ? 'OVER' : 'ok',
  });
}

const base = gzipped(await buildCode());
for (const { file, label, module } of ADDED) {
  rows.push({
    file,
    label,
    raw: '-',
    gzip: `+${gzipped(await buildCode({}, module)) - base} B`,
    budget: '-',
    headroom: '-',
    status: '',
  });
}

// What a feature adds to omnikit.js: the same build without it. The widget launcher (at most 1.5 KB);
// the attribution glue (detecting a landing, keeping the touches, tagging events); the tracking plan's
// glue (events wait for the check, then are dropped or flagged); consent by category (the choice per
// category on every event, destinations gated by theirs, Global Privacy Control, click ids and
// touches only with `marketing`, the drafts' discard on withdrawal, and loading the Consent Mode and
// TCF bridges a page turns on: see CONSENT_GLUE).
const FEATURES = [
  { feature: 'widget', name: 'launcher', label: 'widget launcher added to the core', budget: 1536 },
  // The traffic glue with its consent gate (touches kept and click ids sent only with `marketing`, 50 B
  // that the consent glue counts too).
  { feature: 'attribution', name: 'attribution', label: 'traffic glue added to the core', budget: 576 },
  { feature: 'plan', name: 'plan glue', label: 'tracking-plan glue added to the core', budget: 256 },
  // Everything consent by category adds, the bridges' loading included (it needs categories).
  {
    feature: 'consent',
    name: 'consent glue',
    label: `consent categories added to the core (target ${CONSENT_TARGET} B)`,
    budget: CONSENT_GLUE,
  },
  // The shop's state: `orders`, `loyalty` and `recent` (and the in-store code to come), at most SHOP_STATE.
  {
    feature: 'shopState',
    name: 'shop state',
    label: "the shop's state: orders, loyalty, recent",
    budget: SHOP_STATE,
  },
  // Of which: loading the Google Consent Mode and IAB TCF bridges (their code is the chunks).
  { feature: 'bridges', name: 'bridges glue', label: 'of it, loading the consent bridges', budget: 72 },
];
for (const { feature, name, label, budget } of FEATURES) {
  try {
    const { without, added, full } = await featureSize(feature);
    measured.set(name, { added, budget, target: CONSENT_TARGET });
    if (added > budget) failures.push(`the ${name} adds ${added} bytes to omnikit.js, over its ${budget}.`);
    rows.push({
      file: `omnikit.js − ${name}`,
      label: `${label} (core without it: ${without} B)`,
      raw: '-',
      gzip: `${kb(added)} (${added} B)`,
      budget: kb(budget),
      headroom: `${budget - added} B`,
      status: added > budget ? 'OVER' : 'ok',
    });
    // The core without and with the plan checker (its glue and its chunk).
    if (feature === 'plan') {
      const chunk = gzipped(readFileSync(new URL('../dist/omnikit-plan.js', import.meta.url)));
      rows.push({
        file: 'omnikit.js + plan checker',
        label: `with a plan: ${without} B without it, + ${added} B glue, + ${chunk} B chunk`,
        raw: '-',
        gzip: `${kb(full + chunk)} (${full + chunk} B)`,
        budget: '-',
        headroom: '-',
        status: '',
      });
    }
  } catch (error) {
    failures.push(`could not measure the ${name}: ${error.message}`);
  }
}

const cols = ['file', 'label', 'raw', 'gzip', 'budget', 'headroom', 'status'];
const widths = cols.map((column) =>
  Math.max(column.length, ...rows.map((row) => String(row[column]).length)),
);
const line = (cells) =>
  cells
    .map((cell, index) => String(cell).padEnd(widths[index]))
    .join('  ')
    .trimEnd();
console.log(line(cols));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(cols.map((column) => row[column])));

// The README quotes these figures: written with `--write`, else checked (only once all were measured).
if (!failures.length) {
  const problem = readmeSizes(
    (file) => measured.get(file).gz,
    (file) => measured.get(file).budget,
    (name) => measured.get(name),
    process.argv.includes('--write'),
  );
  if (problem) failures.push(problem);
}

if (failures.length) {
  console.error(`\nSize check failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
