/**
 * `npm run bench`: Omnikit beside the SDKs people would otherwise pick, measured in one run on this
 * machine. Prints the tables and writes them to bench/RESULTS.md (only after a full run: a run
 * narrowed by BENCH_ONLY prints, and leaves the file as it was).
 *
 * Env: BENCH_RUNS (main-thread runs, default 3: about 80 s each here; 5 runs take ~11 min in all),
 * BENCH_ONLY (comma list of size, main, burst, server, continuity, sync: the /v1/sync load alone, not
 * part of a full run), BENCH_SDKS (comma list of SDK ids for the main-thread and burst sections,
 * Omnikit always first: e.g. omnikit,segment,amplitude), BENCH_CHANGES (cart changes timed
 * across devices, in the browser and on PostgreSQL's change streams, default 30), BENCH_DEBUG=1 (page
 * console, errors and failed requests), CHROME_PATH, PG_BIN (where initdb and pg_ctl are).
 *
 * A correctness failure in a section (device B never shows a cart change) exits non-zero, after the
 * other sections, and leaves bench/RESULTS.md as it was.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { openEnv } from './browser.ts';
import { BURST, burst, burstTable } from './burst.ts';
import { chatWidgetSizes } from './chat-peers.ts';
import { CHANGES, continuity, continuityTable } from './continuity.ts';
import { EVENTS, mainThread, mainThreadTables } from './main-thread.ts';
import { SDKS } from './peers.ts';
import { postgresServer, postgresTables } from './postgres-server.ts';
import { BENCH, ROOT } from './prepare.ts';
import { ceilingTable, serverCeilings } from './server-ceilings.ts';
import { serverIngest, serverTables } from './server-ingest.ts';
import { serverSync, syncCeiling, syncTable } from './server-sync.ts';
import { sizes, sizeTable } from './size-peers.ts';

const started = Date.now();
const loadAtStart = loadavg()[0];
const runs = Number(process.env.BENCH_RUNS || 3);
const ALL = ['size', 'main', 'burst', 'server', 'continuity'];
const only = (process.env.BENCH_ONLY || ALL.join(',')).split(',').map((name) => name.trim());
// `sync` repeats the server section's sync load on its own: a quick check, never in a full run.
const unknown = only.filter((name) => !ALL.includes(name) && name !== 'sync');
if (unknown.length)
  throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${ALL.join(', ')}`);
/** The SDKs the browser sections measure: every one, or those BENCH_SDKS names (Omnikit always, first). */
const chosen = process.env.BENCH_SDKS?.split(',').map((id) => id.trim());
const unknownSdks = chosen?.filter((id) => !SDKS.some((sdk) => sdk.id === id)) ?? [];
if (unknownSdks.length)
  throw new Error(
    `BENCH_SDKS: unknown SDK(s) ${unknownSdks.join(', ')}; known: ${SDKS.map((sdk) => sdk.id).join(', ')}`,
  );
const browserSdks = chosen ? SDKS.filter((sdk) => sdk.id === 'omnikit' || chosen.includes(sdk.id)) : SDKS;
/** A partial run prints its tables only: bench/RESULTS.md keeps the last full run's. */
const partial = !ALL.every((name) => only.includes(name)) || chosen !== undefined;
const sections: string[] = [];
const failures: string[] = [];
const section = (title: string, body: string) => {
  const text = `## ${title}\n\n${body}`;
  console.log(`\n${text}\n\n(${Math.round((Date.now() - started) / 1000)} s so far)\n`);
  sections.push(text);
};

const commit = (() => {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'dist', 'server')
      ? ' with uncommitted changes'
      : '';
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty}`;
  } catch {
    return 'an unknown commit';
  }
})();

if (only.includes('size')) {
  console.log('Size…');
  section('Size: what a script-tag user loads', sizeTable(await sizes(SDKS)));
  section('Size: chat widgets, loaded before anyone opens them', sizeTable(await chatWidgetSizes()));
}

let chromium = '-';
if (only.includes('main') || only.includes('burst')) {
  const env = await openEnv(browserSdks);
  chromium = env.chromiumVersion;
  try {
    if (only.includes('main')) {
      console.log(`Main thread: ${runs} runs × ${browserSdks.length} SDKs…`);
      const results = await mainThread(env, browserSdks, runs);
      section(
        `Main-thread cost in headless Chromium (${runs} runs: median (min–max), × = median ÷ Omnikit's)`,
        mainThreadTables(results),
      );
    }
    if (only.includes('burst')) {
      console.log(`Burst: ${BURST.toLocaleString('en-US')} calls per SDK…`);
      section(
        `Burst: ${BURST.toLocaleString('en-US')} track() calls in a tight loop (one run per SDK, right after load)`,
        burstTable(await burst(env, browserSdks)),
      );
    }
  } finally {
    await env.close();
  }
}

if (only.includes('server')) {
  console.log('Reference server…');
  const sqlite = await serverIngest();
  console.log("The same ingest load on this machine's ceilings: bare HTTP, then HTTP and SQLite…");
  const ceilings = await serverCeilings();
  console.log("The same sync load on this machine's sync ceiling…");
  const sync = syncTable({ sync: sqlite.sync, cpu: sqlite.syncCpu }, await syncCeiling());
  section(
    'Reference server on SQLite (loopback)',
    `${serverTables(sqlite)}\n\n${ceilingTable(ceilings)}\n\n${sync}`,
  );
  console.log('Reference server on PostgreSQL: one process, then two on one database…');
  const title = 'Reference server on PostgreSQL (loopback): one and two server processes on one database';
  // Missing PostgreSQL binaries are a row of the table; anything else failing here is a failure of
  // the run, reported after the sections that still can run.
  try {
    section(title, postgresTables(await postgresServer(CHANGES), sqlite));
  } catch (error) {
    failures.push(`PostgreSQL server: ${(error as Error).message}`);
    section(`${title}: FAILED`, (error as Error).stack ?? String(error));
  }
}

if (only.includes('sync')) {
  console.log('/v1/sync on SQLite, 100 devices…');
  const reference = await serverSync();
  section('/v1/sync on SQLite (loopback)', syncTable(reference, await syncCeiling()));
}

if (only.includes('continuity')) {
  console.log(`Cross-device: ${CHANGES} cart changes on device A, seen on device B…`);
  try {
    const result = await continuity();
    if (chromium === '-') chromium = result.chromiumVersion;
    section(
      `Cross-device: a cart change on device A until device B's cart.subscribe shows it (${CHANGES} changes)`,
      continuityTable(result, SDKS),
    );
  } catch (error) {
    failures.push(`cross-device: ${(error as Error).message}`);
    section('Cross-device: FAILED', (error as Error).stack ?? String(error));
  }
}

const seconds = Math.round((Date.now() - started) / 1000);
const load = `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
const header = `# Benchmark results

Generated by \`npm run bench\` on ${new Date().toISOString().replace(/\..*/, ' UTC')} in ${seconds} s, at ${commit}.

- Machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${process.platform} ${process.arch}
- Node ${process.version}, Chromium ${chromium}
- Load average ${load} (other work on the machine slows every SDK alike, and the server)

How it measures (details at the top of each file in bench/):
- Every SDK runs with its defaults, from the file a script-tag user loads, on the same page, sending to
  the same local collector (127.0.0.1, answers 200 \`{}\` to everything, \`{code: 200}\` to Amplitude);
  vendor settings (Segment, RudderStack, Amplitude) come from a local "CDN"; automatic page views are
  off for all (as for Omnikit, \`data-auto-page="false"\`). Loopback has no latency: on a real network,
  SDKs that fetch settings before they are ready wait one more round trip.
- Chromium looks like a visitor's (normal user agent, \`navigator.webdriver\` false: PostHog drops
  events from bots); console calls are no-ops (Playwright makes them costly); the page is
  cross-origin isolated for 5 µs \`performance.now()\` resolution; other hosts do not resolve.
- Each main-thread run is cold: a fresh browser context (empty HTTP cache and storage), same browser;
  the SDK order rotates between runs. Rows marked "repeat visit" are the second page of a context,
  loaded once the first page's SDK tracked one event and went quiet (its storage and HTTP cache as
  that visit left them).
- "main-thread ms" is the renderer main thread's busy time (Chrome DevTools Protocol TaskDuration); for
  ${EVENTS.toLocaleString('en-US')} events it runs from the first call until delivery ended, so work an SDK
  defers (storage, batching, sending) counts. Delivery ends when all events arrived, or when nothing
  arrived and the page was mostly idle for 4 s (10 s after the burst), or after 30 s (60 s).
  "sent" is request line + headers + body as sent.
- Events are counted at the collector by a marker in their properties, so duplicates and losses show.
- Cross-device: the reference server on SQLite (a child process) and two browser contexts of one
  Chromium as two devices, each loading dist/omnikit.js with its defaults and signed in as one user
  (\`userHash\` signed with the site secret). A changes its cart one change at a time, 250 ms apart;
  the time runs from A's cart call to B's \`cart.subscribe\` callback, both stamped with
  \`performance.timeOrigin + performance.now()\` in the page (one machine, so one wall clock; the
  skew between the two pages is measured and printed). Loopback: a real network adds its round trips.
- PostgreSQL: the same server loads on a throwaway local cluster with production durability, one server
  process and then two sharing one database (the load split between them), and the time from a cart
  push to another device's change stream, within a process and across the two (notes under the tables).`;

const notes = `## What each SDK does by default\n\n${SDKS.map((sdk) => `- **${sdk.label}** ${sdk.version}: ${sdk.note}`).join('\n')}`;
console.log(`\n${notes}\n`);
if (failures.length) {
  console.error(`\nFAILED:\n  ${failures.join('\n  ')}\nbench/RESULTS.md left as it was.`);
  process.exitCode = 1;
} else if (partial) {
  console.log(
    `Partial run (BENCH_ONLY=${only.join(',')}${chosen ? `, BENCH_SDKS=${chosen.join(',')}` : ''}): bench/RESULTS.md left as it was (total ${seconds} s)`,
  );
} else {
  writeFileSync(join(BENCH, 'RESULTS.md'), `${header}\n\n${sections.join('\n\n')}\n\n${notes}\n`);
  console.log(`Wrote bench/RESULTS.md (total ${seconds} s)`);
}
