/**
 * The demo: `npm run demo` (builds, then runs this with tsx). Two servers, as in real life:
 * - the Omnikit reference backend on 127.0.0.1:8787 (SQLite in ./data/demo.db), and
 * - a tiny shop on 127.0.0.1:8080 that serves the page, the SDK, and `GET /api/events`, which the shop's
 *   own server answers by reading the store directly (the access stays on the server; the page holds
 *   nothing secret).
 * The agent console is the backend's own, at <backend>/console: staff sign in there with the demo
 * accounts of server/omnikit.config.json (ada-agent / demo-password-change-me). The shop answers
 * only requests addressed to itself (Host and Origin checked), so a page elsewhere cannot use its
 * demo login. It runs with the example secrets and passwords of server/omnikit.config.json, which
 * only the demo may (`demo: true`). Env: OMNIKIT_DEMO_PORT (shop, 8080), OMNIKIT_DEMO_BACKEND_PORT (8787),
 * OMNIKIT_DEMO_DATA_DIR (./data).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, loadSites, openSqliteStore, type StoredEvent, userHashOf } from '../server/index.ts';
import { planReportPage } from './plan-report.ts';

const HOST = '127.0.0.1';
const BACKEND_PORT = portFrom('OMNIKIT_DEMO_BACKEND_PORT', 8787); // the page's data-endpoint names it
const SHOP_PORT = portFrom('OMNIKIT_DEMO_PORT', 8080); // server/omnikit.config.json allows this origin
const SITE_ID = 'demo';
const root = new URL('../', import.meta.url);
/** The shop's own addresses: the only Host and Origin values it answers (see refusal()). */
const SHOP_HOSTS = [`${HOST}:${SHOP_PORT}`, `localhost:${SHOP_PORT}`];
const SHOP_ORIGINS = SHOP_HOSTS.map((host) => `http://${host}`);

const dataDir = resolve(process.env.OMNIKIT_DEMO_DATA_DIR || fileURLToPath(new URL('data/', root)));
mkdirSync(dataDir, { recursive: true });
const store = openSqliteStore(join(dataDir, 'demo.db'));
// The shipped example secrets are public: only the demo, on loopback, may run with them.
const sites = loadSites(fileURLToPath(new URL('server/omnikit.config.json', root)), { demo: true }).map(
  (site) =>
    site.id === SITE_ID ? { ...site, origins: [...new Set([...site.origins, ...SHOP_ORIGINS])] } : site,
);
const backend = await createServer({ store, sites, demo: true }).listen(BACKEND_PORT, HOST);
const secret = sites.find((site) => site.id === SITE_ID)?.secret;
/** The demo's "login": any name signs in. A real shop checks a password, then signs the same way. */
const DEMO_USERS: Record<string, { name: string; email: string }> = {
  'demo-user-ada': { name: 'Ada Lovelace', email: 'ada@example.com' },
};

// Read at each request so a rebuild (`npm run build`) shows up on reload.
const file = (path: string) => readFileSync(new URL(path, root));
// The shop page names the backend's default address (the SDK's endpoint, the console's link); on
// other ports it names the real one.
const shopPage = () => file('demo/index.html').toString().replaceAll('http://127.0.0.1:8787', backend.url);

function portFrom(name: string, fallback: number): number {
  const value = process.env[name];
  if (!value) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`[demo] ${name} must be a port number, got "${value}"`);
    process.exit(1);
  }
  return port;
}

/**
 * Why this request is refused, or null. /api/login signs any demo user and /api/events reads the
 * store: so the shop answers only requests addressed to itself. A
 * DNS-rebinding page (any site whose name resolves to 127.0.0.1) sends its own name as Host; a page
 * of another origin sends its Origin (on every POST and CORS request) or, on its API calls, a
 * Sec-Fetch-Site other than same-origin.
 */
function refusal(req: IncomingMessage, url: URL): string | null {
  if (!SHOP_HOSTS.includes((req.headers.host ?? '').toLowerCase())) return 'Host';
  const origin = req.headers.origin;
  if (origin !== undefined && !SHOP_ORIGINS.includes(origin)) return 'Origin';
  const site = req.headers['sec-fetch-site'];
  const api = url.pathname.startsWith('/api/');
  if (api && site !== undefined && site !== 'same-origin' && site !== 'none') return 'Sec-Fetch-Site';
  return null;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

// Newest last, at most 50: enough for the panel.
async function eventsOf(anonymousId: string): Promise<StoredEvent[]> {
  const events = await store.listEvents(SITE_ID, { anonymousId });
  return events.slice(-50);
}

const shop = createHttpServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}:${SHOP_PORT}`);
  const refused = refusal(req, url);
  if (refused) {
    req.resume();
    return send(
      res,
      403,
      'text/plain',
      `Forbidden: the demo shop answers only ${SHOP_ORIGINS.join(' and ')} (${refused} checked).`,
    );
  }
  try {
    if (req.method === 'POST' && url.pathname === '/api/login') {
      // The shop's own server signs the user id with the site secret: the secret never reaches the
      // page, and a page that merely claims a user id gets nothing of that user's cart.
      const userId = url.searchParams.get('userId') ?? '';
      const user = DEMO_USERS[userId];
      if (!user || !secret) return send(res, 404, 'application/json', '{"error":"unknown user"}');
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ userId, traits: user, userHash: userHashOf(secret, userId) }),
      );
    }
    if (req.method === 'POST' && url.pathname === '/api/order') {
      // The shop accepts any order; a real one would check the address and take the payment here.
      req.resume();
      return send(res, 201, 'application/json', JSON.stringify({ orderId: `o-${Date.now()}` }));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'Method not allowed');
    // The script and the chunks it loads from beside itself (replication, stream, forms, handoff, account,
    // the widget's panel...).
    const script = /^\/(omnikit(-[a-z]+)?\.js)$/.exec(url.pathname)?.[1];
    if (script) {
      try {
        return send(res, 200, 'text/javascript; charset=utf-8', file(`dist/${script}`));
      } catch {
        return send(res, 404, 'text/plain', `dist/${script} is missing: run \`npm run build\`.`);
      }
    }
    if (url.pathname === '/api/events') {
      const anonymousId = url.searchParams.get('anonymousId');
      if (!anonymousId) return send(res, 400, 'application/json', '{"error":"anonymousId is required"}');
      return send(res, 200, 'application/json', JSON.stringify(await eventsOf(anonymousId)));
    }
    if (url.pathname === '/plan') {
      const site = sites.find((s) => s.id === SITE_ID);
      return send(res, 200, 'text/html; charset=utf-8', await planReportPage(backend.url, site?.serverKey));
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
    // Every other path is the single-page shop (the SPA "routes" reload to it too).
    return send(res, 200, 'text/html; charset=utf-8', shopPage());
  } catch (error) {
    console.error('[demo]', error);
    return send(res, 500, 'text/plain', 'Internal error');
  }
});
await new Promise<void>((resolve, reject) => {
  shop.once('error', reject);
  shop.listen(SHOP_PORT, HOST, resolve);
});

console.log(`Omnikit backend: ${backend.url}`);
console.log(`Demo shop:       http://${HOST}:${SHOP_PORT}/  (open it in two browser profiles)`);
console.log(
  `Agent console:   ${backend.url}/console  (sign in as ada-agent, password demo-password-change-me)`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) process.exit(1); // a second Ctrl-C means now
  stopping = true;
  shop.close();
  await backend.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
