// Browser tests: real Chromium through Playwright (a fresh browser context, so empty storage, per test
// file), talking cross-origin to the real reference backend started in this process.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { tsImport } from 'tsx/esm/api';
import { CHROME_FLAGS, findChrome, NO_CHROME_MESSAGE } from './test/browser/commands/find-chrome.mjs';
import { mangler } from './tools/mangle.mjs';

const chrome = findChrome();
if (!chrome) {
  console.error(NO_CHROME_MESSAGE);
  process.exit(1);
}

// The plugins and the server they start are TypeScript.
const { agentPlugin, appsPlugin, backendPlugin, builtPlugin, networkPlugin, tabsPlugin, tracePlugin } =
  await tsImport('./test/browser/commands/index.ts', import.meta.url);

const rootDir = fileURLToPath(new URL('.', import.meta.url));
const backend = backendPlugin();

export default {
  rootDir,
  files: ['test/browser/**/*.test.ts'],
  // Pinned: the backend's CORS allow-list names this origin.
  port: Number(process.env.OMNIKIT_WTR_PORT || 8765),
  nodeResolve: { exportConditions: ['browser'] }, // dependencies' browser builds
  // One file at a time: all files share one backend and inject faults into it.
  concurrency: 1,
  testFramework: { config: { timeout: 20_000 } },
  // A shop's own form endpoint: `POST /test/echo?status=422` answers that status with the body it got;
  // `?next=URL` answers 303 to it, as a shop's server does after a form post that navigated.
  middleware: [
    // A shop page under a strict Content-Security-Policy: scripts only with the nonce, no inline
    // styles at all, requests only to itself and the backend. `?lang=` sets data-widget-lang.
    async (ctx, next) => {
      if (ctx.path !== '/test/csp') return next();
      const nonce = Math.random().toString(36).slice(2);
      const lang = String(ctx.query.lang || 'en');
      ctx.set(
        'Content-Security-Policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src 'self'; connect-src 'self' ${backend.url()}; base-uri 'none'; form-action 'self'`,
      );
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict CSP shop</title>
<script nonce="${nonce}" src="/test/fixtures/csp-watch.js"></script>
<script nonce="${nonce}" src="/dist/omnikit.js" data-endpoint="${backend.url()}" data-write-key="test-key"
  data-auto-page="false" data-flush-interval="50" data-retry-base-delay="50" data-retry-max-delay="500"
  data-widget data-widget-color="#0a6b2e" data-widget-lang="${lang.replace(/[^A-Za-z-]/g, '')}"></script>
</head><body><main><h1>Strict CSP shop</h1></main></body></html>`;
    },
    async (ctx, next) => {
      if (ctx.path !== '/test/echo') return next();
      if (ctx.query.next) {
        ctx.status = 303;
        return ctx.redirect(String(ctx.query.next));
      }
      ctx.status = Number(ctx.query.status) || 200;
      ctx.type = 'text/plain';
      ctx.body = await new Promise((resolve) => {
        let body = '';
        ctx.req.on('data', (chunk) => (body += chunk));
        ctx.req.on('end', () => resolve(body || 'ok'));
      });
    },
  ],
  testsFinishTimeout: 300_000, // a whole file; the 120 s default is short for files of retry tests
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: chrome,
        headless: true,
        args: [
          ...CHROME_FLAGS,
          // Subdomains for cookie-domain tests (shop.omnikit.test, blog.omnikit.test…), on loopback only.
          '--host-resolver-rules=MAP *.omnikit.test 127.0.0.1',
        ],
      },
    }),
  ],
  plugins: [
    tracePlugin(), // OMNIKIT_WTR_TRACE=1 logs every server command
    esbuildPlugin({ ts: true, tsx: true, target: 'es2020', tsconfig: `${rootDir}tsconfig.json` }),
    // Then the builds' property map (mangle.json) on what it compiled from src/ and test/: tests from
    // source store and tell other tabs the same keys as the builds.
    mangler.wtr(),
    builtPlugin(), // /test/built/<name>.js, for the `dist` group
    appsPlugin(), // /test/app/<app>.js: the bindings' SPAs, bundled with React 18, React 19 or Vue 3
    backend,
    agentPlugin(backend),
    tabsPlugin(),
    networkPlugin(),
  ],
  // Hands the backend's (random-port) URL to the test page before the tests run.
  testRunnerHtml: runnerHtml(false),
  // Every file that stores, talks to other tabs or to the backend, once more against the builds users
  // load: the ESM fixture runs dist/omnikit.js, page code importing the SDK dist/omnikit.mjs
  // (helpers.ts SDK_MODULE), the sync pages the sync engine built by the same pipeline (startSync).
  // Minification and the property map must not change behaviour. With `--files`, only the files given
  // that are in this list run here too (`--group default` skips it); `npm run build` first.
  groups: distFiles().length ? [{ name: 'dist', files: distFiles(), testRunnerHtml: runnerHtml(true) }] : [],
};

/** The `dist` group's files, narrowed to those given with `--files` when some are. */
function distFiles() {
  const files = [
    'agent-commands',
    'attribution',
    'batching',
    'cart',
    'cart-reprice',
    'chat',
    'consent',
    'consent-bridges',
    'destinations',
    'envelope',
    'faults',
    'forms',
    'forms-devices',
    'forms-react',
    'handoff',
    'identity',
    'linking',
    'reload',
    'replication-chunk',
    'storage-blocked',
    'sync-devices',
    'sync-faults',
    'sync-horizon',
    'sync-tabs',
    'sync-trust',
    'stream-chunk',
    'tabs',
    'time-zone',
    'unknown-origin',
    // What the previous build stored is read back and written with the same keys.
    'upgrade',
    'widget',
  ].map((name) => `test/browser/${name}.test.ts`);
  const given = filesArgument();
  return given ? files.filter((file) => given.some((g) => g.replace(/^\.\//, '') === file)) : files;
}

/** The paths after `--files` (or in `--files=a,b`) on the command line, if any. */
function filesArgument() {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === '--files' || arg.startsWith('--files='));
  if (at < 0) return undefined;
  if (args[at].includes('=')) return args[at].slice('--files='.length).split(',');
  const end = args.findIndex((arg, i) => i > at && arg.startsWith('-'));
  return args.slice(at + 1, end < 0 ? undefined : end);
}

function runnerHtml(dist) {
  return (testFramework) => `<!doctype html>
<html>
  <head><script>window.__OMNIKIT_BACKEND__ = ${JSON.stringify(backend.url())};
  window.__OMNIKIT_DIST__ = ${dist};</script></head>
  <body><script type="module" src="${testFramework}"></script></body>
</html>`;
}
