/**
 * The demo: `npm run demo` (builds, then runs this with tsx). Two servers, as in real life:
 * - the Omnikit reference backend on 127.0.0.1:8787 (SQLite in ./data/demo.db), and
 * - a tiny shop on 127.0.0.1:8080 that serves the page, the SDK, and `GET /api/events`, which the shop's
 *   own server answers by reading the store directly (the access stays on the server; the page holds
 *   nothing secret), plus the agent console at /agent, whose calls go through `/agent-api/*`: this
 *   server forwards them to the backend's `/v1/agent/*` with the site's agent key, so the key never
 *   reaches a browser. (A real console puts its own login in front of that proxy.)
 */
import { mkdirSync, readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import { createServer, loadSites, openSqliteStore, type StoredEvent, userHashOf } from '../server/index.ts';
import { planReportPage } from './plan-report.ts';

const HOST = '127.0.0.1';
const BACKEND_PORT = 8787; // the page's data-endpoint names it
const SHOP_PORT = 8080; // server/omnikit.config.json allows this origin
const SITE_ID = 'demo';
const root = new URL('../', import.meta.url);

mkdirSync(new URL('data/', root), { recursive: true });
const store = openSqliteStore(new URL('data/demo.db', root).pathname);
const sites = loadSites(new URL('server/omnikit.config.json', root).pathname);
const backend = await createServer({ store, sites }).listen(BACKEND_PORT, HOST);
const secret = sites.find((site) => site.id === SITE_ID)?.secret;
const agentKey = sites.find((site) => site.id === SITE_ID)?.agentKey;
/** The agent console runs under this policy: no inline script or style, calls to this server only. */
const AGENT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The demo's "login": any name signs in. A real shop checks a password, then signs the same way. */
const DEMO_USERS: Record<string, { name: string; email: string }> = {
  'demo-user-ada': { name: 'Ada Lovelace', email: 'ada@example.com' },
};

// Read at each request so a rebuild (`npm run build`) shows up on reload.
const file = (path: string) => readFileSync(new URL(path, root));

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

/**
 * `/agent-api/<path>` → the backend's `/v1/agent/<path>` with the agent key added. Bodies and answers
 * are streamed both ways, so the agent stream (server-sent events) passes through as it comes.
 */
function proxyAgentApi(req: IncomingMessage, res: ServerResponse, url: URL): void {
  if (!agentKey) {
    send(res, 503, 'text/plain', 'The demo site has no agentKey in its config.');
    return;
  }
  const target = new URL(`/v1/agent/${url.pathname.slice('/agent-api/'.length)}${url.search}`, backend.url);
  const upstream = request(target, {
    method: req.method,
    headers: {
      Authorization: `Bearer ${agentKey}`,
      ...(req.headers['content-type'] ? { 'Content-Type': req.headers['content-type'] } : {}),
    },
  });
  upstream.on('response', (answer) => {
    const { 'content-type': type, 'cache-control': cache } = answer.headers;
    res.writeHead(answer.statusCode ?? 502, {
      ...(type ? { 'Content-Type': type } : {}),
      'Cache-Control': cache ?? 'no-store',
      'X-Accel-Buffering': 'no',
    });
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) send(res, 502, 'text/plain', 'The Omnikit backend did not answer.');
    else res.destroy();
  });
  // The console closed its stream (or left): close ours to the backend too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

// Newest last, at most 50: enough for the panel.
async function eventsOf(anonymousId: string): Promise<StoredEvent[]> {
  const events = await store.listEvents(SITE_ID, { anonymousId });
  return events.slice(-50);
}

const shop = createHttpServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}:${SHOP_PORT}`);
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
    if (url.pathname.startsWith('/agent-api/')) return proxyAgentApi(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'Method not allowed');
    if (url.pathname === '/agent') {
      return send(res, 200, 'text/html; charset=utf-8', file('demo/agent.html'), {
        'Content-Security-Policy': AGENT_CSP,
      });
    }
    if (url.pathname === '/agent.js')
      return send(res, 200, 'text/javascript; charset=utf-8', file('demo/agent.js'));
    if (url.pathname === '/agent.css')
      return send(res, 200, 'text/css; charset=utf-8', file('demo/agent.css'));
    // The script and the chunks it loads from beside itself (forms, handoff, merge, the widget's panel).
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
    return send(res, 200, 'text/html; charset=utf-8', file('demo/index.html'));
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
console.log(`Agent console:   http://${HOST}:${SHOP_PORT}/agent`);

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
