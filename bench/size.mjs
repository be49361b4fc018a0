// Size budgets of what users download, gzip -9 (node zlib level 9). Run after `npm run build`.
// Exits 1 when an artifact with a budget is over it, or missing.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildCode, gzipped, launcherSize, planSize } from './builds.mjs';

/** One row per shipped artifact; `budget` is in gzipped bytes (null = measured, not enforced). */
const ARTIFACTS = [
  { file: 'dist/omnikit-tracker.js', label: 'script tag, tracker only', budget: 6 * 1024 },
  // Issue 4's 10 KB guard, plus the widget launcher's 1.5 KB (issue 5; measured on its own below).
  { file: 'dist/omnikit.js', label: 'script tag, full (core, forms, launcher)', budget: 10 * 1024 + 1536 },
  // Chunks the full script-tag client fetches on demand (src/chunks/load.ts), beside omnikit.js.
  { file: 'dist/omnikit-handoff.js', label: 'chunk: handoff flow', budget: 1024 },
  { file: 'dist/omnikit-merge.js', label: 'chunk: guest-cart merge', budget: 1024 },
  { file: 'dist/omnikit-forms.js', label: 'chunk: form drafts', budget: 2 * 1024 },
  // Issue 5: the widget's panel (chat, cart, QR), Preact and the QR encoder included.
  { file: 'dist/omnikit-widget.js', label: 'chunk: widget panel (Preact, QR)', budget: 20 * 1024 },
  // Issue 6: the checker with its fetch and `extends` (1.8 KB), and the built-in plans `extends` names
  // (e-commerce and Omnikit's own events, 0.9 KB of data); fetched only by a site with a plan.
  { file: 'dist/omnikit-plan.js', label: 'chunk: tracking-plan check + built-in plans', budget: 3 * 1024 },
  { file: 'dist/omnikit.mjs', label: 'npm (ESM, deps external)', budget: null },
];

/**
 * Issue 3's budget is for the core alone: tracker, sync and cart, without later features' glue in
 * omnikit.js (the form pick-up, the widget's launcher, the tracking plan's glue). Built here in memory, from the same config, with those turned off.
 * Its target is 9 KB (9,216 B); until it is met, CI guards against growth at the size reached.
 */
const CORE = { file: 'core only', label: 'tracker + sync + cart (target 9 KB)', budget: 9216 + 360 };
const buildCore = () => buildCode({ forms: false, widget: false, plan: false });

/**
 * What a module would add to omnikit.js once wired into the core, before it is: the full client built
 * with the module's exports kept alive, minus the same build without it.
 */
const ADDED = [
  { file: '+ attribution', label: 'referrer classes + first/last touch', module: 'src/attribution/touch.ts' },
];

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const rows = [];
const failures = [];

for (const { file, label, budget } of [...ARTIFACTS, CORE]) {
  let raw;
  try {
    raw = file === CORE.file ? await buildCore() : readFileSync(new URL(`../${file}`, import.meta.url));
  } catch {
    failures.push(`${file} is missing: run \`npm run build\` first.`);
    rows.push({ file, label, raw: '-', gzip: '-', budget: budget ? kb(budget) : '-', status: 'MISSING' });
    continue;
  }
  const gz = gzipSync(raw, { level: 9 }).length;
  const over = budget !== null && gz > budget;
  if (over)
    failures.push(`${file} is ${gz} bytes gzipped, over its budget of ${budget} bytes by ${gz - budget}.`);
  rows.push({
    file,
    label,
    raw: kb(raw.length),
    gzip: `${kb(gz)} (${gz} B)`,
    budget: budget === null ? '-' : kb(budget),
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
    status: '',
  });
}

// The core without and with the tracking plan (issue 6): the glue every page downloads, and the chunk
// only a page with a plan fetches.
try {
  const { without, glue, chunk } = await planSize();
  const row = (file, label, gz) => ({ file, label, raw: '-', gzip: gz, budget: '-', status: '' });
  rows.push(
    row('omnikit.js without plan glue', 'the full client, plan: false', `${kb(without)} (${without} B)`),
    row('+ plan glue (in omnikit.js)', 'waits for the check, drops or flags', `+${glue} B`),
    row('+ plan chunk', 'fetched only with a plan', `+${chunk} B`),
  );
} catch (error) {
  failures.push(`could not measure the plan: ${error.message}`);
}

// What the launcher adds to omnikit.js (issue 5: at most 1.5 KB): the same build without it.
const LAUNCHER_BUDGET = 1536;
try {
  const { without, added } = await launcherSize();
  if (added > LAUNCHER_BUDGET)
    failures.push(`the widget launcher adds ${added} bytes to omnikit.js, over its ${LAUNCHER_BUDGET}.`);
  rows.push({
    file: 'omnikit.js − launcher',
    label: `widget launcher added to the core (core without it: ${without} B)`,
    raw: '-',
    gzip: `${kb(added)} (${added} B)`,
    budget: kb(LAUNCHER_BUDGET),
    status: added > LAUNCHER_BUDGET ? 'OVER' : 'ok',
  });
} catch (error) {
  failures.push(`could not measure the launcher: ${error.message}`);
}

const cols = ['file', 'label', 'raw', 'gzip', 'budget', 'status'];
const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
const line = (cells) =>
  cells
    .map((cell, i) => String(cell).padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(line(cols));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(cols.map((c) => r[c])));

if (failures.length) {
  console.error(`\nSize check failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
