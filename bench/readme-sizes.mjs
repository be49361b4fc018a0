// The README's size figures, written from what `npm run size` measures so they cannot go stale: the
// table of script-tag files (between the `sizes` markers) and the Omnikit cell of the comparison
// with other SDKs. `npm run size` fails when the README differs; `npm run size -- --write` updates it.
import { readFileSync, writeFileSync } from 'node:fs';

const README = new URL('../README.md', import.meta.url);
const START = '<!-- sizes: written by `npm run size -- --write`, checked by `npm run size` -->';
const END = '<!-- /sizes -->';
/** The comparison table's row of script-tag sizes (bench/RESULTS.md has the peers' figures). */
const COMPARED = /^\| script-tag file, gzipped \| [^|]+ \|/m;
/** Where the prose names what the widget's launcher costs `omnikit.js`. */
const LAUNCHER = [
  /(costs the page )[\d.]+ KB( until it is used)/,
  /(the launcher \(a button in a shadow root, )[\d.]+ KB()/,
];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * The README's size table. `gz(file)` is a file's gzipped bytes as measured, `budget(file)` its
 * budget; `feature(name)` what a feature adds to omnikit.js (`{ added, budget }`).
 */
function sizeTable(gz, budget, feature) {
  const sized = (file) => `${kb(gz(file))} (budget ${kb(budget(file))})`;
  const part = (name, what) => {
    const { added, budget: allowed } = feature(name);
    return `${what} ${added} B (budget ${allowed} B)`;
  };
  const consent = feature('consent glue');
  const rows = [
    [
      '`omnikit.js`',
      "tracking + identity + consent by category + the cart and the device's copy of synced documents + form pick-up + the widget's launcher + the traffic source and tracking plan's glue",
      `${sized('dist/omnikit.js')}. Of it: ${[
        part('launcher', 'the launcher'),
        part('attribution', 'the traffic glue'),
        part('plan glue', "the plan's"),
        `consent by category ${consent.added} B (budget ${consent.budget} B, target ${consent.target} B)`,
        part('bridges glue', 'loading the consent bridges'),
      ].join(', ')}. The core alone (tracker + cart + the sync's local copy) is ${sized('core only')}`,
    ],
    [
      '`omnikit-replication.js`',
      "the sync's replication (device, push and pull, retries), fetched when sync first goes online: a page that uses the cart, a synced form or the chat",
      sized('dist/omnikit-replication.js'),
    ],
    [
      '`omnikit-handoff.js`, `omnikit-account.js`',
      'fetched by `omnikit.js` only when a page makes or opens a handoff link, or at a verified sign-in (which links the device, merges a guest cart, and makes consent follow the customer)',
      `${sized('dist/omnikit-handoff.js')}, ${sized('dist/omnikit-account.js')}`,
    ],
    [
      '`omnikit-forms.js`',
      'form drafts, fetched only when a page has a form to keep (or a withdrawal of `personalization` has drafts to discard)',
      sized('dist/omnikit-forms.js'),
    ],
    [
      '`omnikit-stream.js`',
      "the change stream's reader, fetched after its first sync by the one tab of a browser that holds the stream",
      sized('dist/omnikit-stream.js'),
    ],
    [
      '`omnikit-widget.js`',
      "the widget's panel (chat, cart, QR code; Preact 10 and uqr included), fetched when the browser is idle or at the first open, only on pages with `data-widget`",
      sized('dist/omnikit-widget.js'),
    ],
    [
      '`omnikit-plan.js`',
      'the tracking-plan check and the built-in plans, fetched only with `plan` / `data-plan`',
      sized('dist/omnikit-plan.js'),
    ],
    [
      '`omnikit-attribution.js`',
      'the traffic classification, fetched only by a page load from a campaign or another site',
      sized('dist/omnikit-attribution.js'),
    ],
    [
      '`omnikit-consentMode.js`, `omnikit-tcf.js`',
      'the Google Consent Mode v2 and IAB TCF v2.2 bridges, fetched only with `consentMode` / `data-consent-mode` and `tcf` / `data-tcf` (by both script tags)',
      `${sized('dist/omnikit-consentMode.js')}, ${sized('dist/omnikit-tcf.js')}`,
    ],
    [
      '`omnikit-tracker.js`',
      'tracking + identity + consent by category, with the traffic source and the tracking plan (it fetches the same two chunks)',
      `${sized('dist/omnikit-tracker.js')}; tracking and identity alone ${sized('tracker alone')}`,
    ],
    [
      '`/console` (the server)',
      "the staff console the backend serves: its page, scripts and styles, each file gzipped, added up; loaded by staff only, never by a shop's pages",
      sized('console'),
    ],
  ];
  return [
    '| script-tag file | what | gzipped |',
    '| --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/**
 * Checks the README's figures against the measurements (see sizeTable), or writes them with `write`.
 * Returns the problem, or undefined when the README holds the measured figures.
 */
export function readmeSizes(gz, budget, feature, write = false) {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start || ![COMPARED, ...LAUNCHER].every((figure) => figure.test(readme)))
    return 'README.md has lost a figure it quotes: the size table between its markers, the comparison row, or the launcher';
  const compared = `| script-tag file, gzipped | ${kb(gz('dist/omnikit.js'))} (tracker only: ${kb(gz('dist/omnikit-tracker.js'))}) |`;
  let written = `${readme.slice(0, start)}${START}\n${sizeTable(gz, budget, feature)}\n${readme.slice(end)}`;
  written = written.replace(COMPARED, compared);
  for (const prose of LAUNCHER) written = written.replace(prose, `$1${kb(feature('launcher').added)}$2`);
  if (written === readme) return undefined;
  if (write) {
    writeFileSync(README, written);
    return undefined;
  }
  return "README.md's sizes differ from these measurements: run `npm run size -- --write`";
}
