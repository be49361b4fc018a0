/**
 * The demo: `npm run demo` (builds, then runs this with tsx). Two servers, as in real life:
 * - the Omnikit reference backend on 127.0.0.1:8787 (SQLite in ./data/demo.db), and
 * - a tiny shop on 127.0.0.1:8080 that serves the page, the SDK, and `GET /api/events`, which the shop's
 *   own server answers by reading the store directly (the access stays on the server; the page holds
 *   nothing secret).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, loadSites, openSqliteStore, type StoredEvent, userHashOf } from '../server/index.ts';

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

/** The demo's "login": any name signs in. A real shop checks a password, then signs the same way. */
const DEMO_USERS: Record<string, { name: string; email: string }> = {
  'demo-user-ada': { name: 'Ada Lovelace', email: 'ada@example.com' },
};

// Read at each request so a rebuild (`npm run build`) shows up on reload.
const file = (path: string) => readFileSync(new URL(path, root));

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
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
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'Method not allowed');
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
