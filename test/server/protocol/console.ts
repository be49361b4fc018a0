import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createServer, type Listening, type Site } from '../../../server/index.ts';
import { type ErrorBody, type Harness, SHOP_ORIGIN, startServer, TEST_NOW } from '../helpers.ts';
import { agentApi, customerMessage } from './agent-client.ts';
import { register, sync, type TestDevice } from './client.ts';
import { AGENT, ASSOCIATE, login, send, sitesWithStaff } from './console-client.ts';

const HOUR = 60 * 60 * 1000;
const errorCode = async (res: Response) => ((await res.json()) as ErrorBody).error.code;

describe('the staff console: sign-in, sessions, roles, CSRF', () => {
  let h: Harness;
  let customer: TestDevice;
  let staffSites: Site[];
  before(async () => {
    staffSites = await sitesWithStaff();
    h = await startServer({ sites: staffSites });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    customer = await register(h.url, 'anon-console');
    await sync(h.url, customer, [customerMessage('c1', 'Where is my order?', TEST_NOW)]);
  });
  const reply = (profileId: string) => `/v1/agent/conversations/${profileId}/messages`;

  it('serves the page and its files to anyone, under a strict policy', async () => {
    for (const path of ['/console', '/console/', '/console/console.js', '/console/console.css']) {
      const res = await fetch(`${h.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(
        res.headers.get('content-security-policy') ?? '',
        /script-src 'self'.*frame-ancestors 'none'/,
      );
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.match(await (await fetch(`${h.url}/console`)).text(), /<form id="login">/);
    for (const path of ['/console/..%2Fpackage.json', '/console/nope.js', '/console/index.HTML']) {
      assert.equal((await fetch(`${h.url}${path}`)).status, 404, path);
    }
  });

  it('signs in with the right password, and the session opens the agent API', async () => {
    const res = await send(h.url, 'POST', '/console/api/login', { body: AGENT });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['csrfToken', 'expiresAt', 'name', 'role', 'site']);
    assert.equal(body.name, 'mia');
    assert.equal(body.role, 'agent');
    assert.equal(body.site, 'shop');
    assert.equal(body.expiresAt, TEST_NOW + 12 * HOUR);
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, /^omnikit_console=[A-Za-z0-9_-]{43}; /);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) {
      assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    }
    assert.ok(!/Secure/.test(cookie), 'not Secure over plain http');
    const id = /omnikit_console=([^;]+)/.exec(cookie)?.[1] ?? '';

    const session = await send(h.url, 'GET', '/console/api/session', { cookie: id });
    assert.equal(session.status, 200);
    assert.deepEqual(await session.json(), body);
    const list = await send(h.url, 'GET', '/v1/agent/conversations', { cookie: id });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('access-control-allow-origin'), null, 'same origin: no CORS answer');
    const sent = await send(h.url, 'POST', reply(customer.profileId), {
      cookie: id,
      csrfToken: String(body.csrfToken),
      body: { text: 'On its way' },
    });
    assert.equal(sent.status, 201);
    // The database holds only the id's hash.
    const hash = createHash('sha256').update(id).digest('hex');
    assert.ok(await h.store.findStaffSession(hash, TEST_NOW));
    assert.equal(await h.store.findStaffSession(id, TEST_NOW), null);
    // Signing in again from the same browser replaces that session.
    const again = await send(h.url, 'POST', '/console/api/login', { body: AGENT, cookie: id });
    assert.equal(again.status, 200);
    assert.equal(await h.store.findStaffSession(hash, TEST_NOW), null);
  });

  it('answers a wrong password and an unknown name the same, in similar time', async () => {
    const timed = async (who: { name: string; password: string }) => {
      const started = performance.now();
      const res = await send(h.url, 'POST', '/console/api/login', { body: who });
      const ms = performance.now() - started;
      assert.equal(res.status, 401);
      assert.deepEqual(res.headers.getSetCookie(), []);
      assert.deepEqual(await res.json(), {
        error: { code: 'invalid_login', message: 'Wrong name or password' },
      });
      return ms;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await timed({ name: AGENT.name, password: 'not-her-password' }));
      unknown.push(await timed({ name: 'nobody', password: 'not-her-password' }));
    }
    // An unknown name runs scrypt too: not a fraction of the time of a real check.
    assert.ok(Math.min(...unknown) > Math.min(...wrong) / 4, `${unknown} vs ${wrong}`);
  });

  it('refuses a name longer than any account can have before counting it', async () => {
    const res = await send(h.url, 'POST', '/console/api/login', {
      body: { name: 'x'.repeat(101), password: 'p' },
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'invalid_body');
  });

  it('sets Secure behind TLS: a trusted proxy saying https, never anyone else', async () => {
    const tls = { 'X-Forwarded-Proto': 'https' };
    assert.ok(!/Secure/.test((await login(h.url, AGENT, tls)).setCookie), 'no trusted proxy: header ignored');
    const proxied = await startServer({ sites: await sitesWithStaff(), trustedProxies: ['127.0.0.1'] });
    try {
      const behind = await login(proxied.url, AGENT, tls);
      assert.ok(behind.setCookie.split('; ').includes('Secure'), behind.setCookie);
      assert.ok(!/Secure/.test((await login(proxied.url, AGENT)).setCookie), 'plain http behind the proxy');
    } finally {
      await proxied.close();
    }
  });

  it('logs out: the session ends in the database and the cookie is cleared', async () => {
    const { cookie, csrfToken } = await login(h.url, AGENT);
    const noToken = await send(h.url, 'POST', '/console/api/logout', { cookie });
    assert.equal(noToken.status, 403);
    assert.equal(await errorCode(noToken), 'invalid_csrf_token');
    const out = await send(h.url, 'POST', '/console/api/logout', { cookie, csrfToken });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0], /^omnikit_console=; .*Max-Age=0/);
    for (const [method, path] of [
      ['GET', '/console/api/session'],
      ['GET', '/v1/agent/conversations'],
    ]) {
      const res = await send(h.url, method, path, { cookie });
      assert.equal(res.status, 401, path);
      assert.equal(await errorCode(res), 'session_ended');
    }
  });

  it('ends a session 12 hours after sign-in, whatever was done meanwhile', async () => {
    const { cookie } = await login(h.url, AGENT);
    h.clock.now = TEST_NOW + 12 * HOUR - 1000;
    assert.equal((await send(h.url, 'GET', '/v1/agent/conversations', { cookie })).status, 200);
    h.clock.now = TEST_NOW + 12 * HOUR;
    const ended = await send(h.url, 'GET', '/v1/agent/conversations', { cookie });
    assert.equal(ended.status, 401);
    assert.equal(await errorCode(ended), 'session_ended');
  });

  it("gives an associate the session, never the agent's conversations", async () => {
    const { cookie, csrfToken } = await login(h.url, ASSOCIATE);
    const session = await send(h.url, 'GET', '/console/api/session', { cookie });
    assert.equal(((await session.json()) as { role: string }).role, 'associate');
    for (const [method, path] of [
      ['GET', '/v1/agent/conversations'],
      ['GET', `/v1/agent/profiles/${customer.profileId}`],
      ['POST', reply(customer.profileId)],
      ['GET', '/v1/agent/stream'],
    ]) {
      const body = method === 'POST' ? { text: 'hi' } : undefined;
      const res = await send(h.url, method, path, { cookie, csrfToken, body });
      assert.equal(res.status, 403, path);
      assert.equal(await errorCode(res), 'forbidden_role');
    }
  });

  it('refuses a POST without the CSRF token, or with a wrong one, or from another origin', async () => {
    const { cookie, csrfToken } = await login(h.url, AGENT);
    const other = await login(h.url, AGENT);
    const body = { text: 'forged' };
    const path = reply(customer.profileId);
    for (const token of [undefined, 'x'.repeat(43), other.csrfToken]) {
      const res = await send(h.url, 'POST', path, { cookie, csrfToken: token, body });
      assert.equal(res.status, 403, `token ${token}`);
      assert.equal(await errorCode(res), 'invalid_csrf_token');
    }
    // An origin a site allows passes CORS, and the session still refuses it (reads included).
    for (const method of ['POST', 'GET']) {
      const res = await send(h.url, method, method === 'POST' ? path : '/v1/agent/conversations', {
        cookie,
        csrfToken,
        body: method === 'POST' ? body : undefined,
        origin: SHOP_ORIGIN,
      });
      assert.equal(res.status, 403, method);
      assert.equal(await errorCode(res), 'cross_origin');
      // Nothing lets a page of that origin read an answer made with the cookie.
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
    }
    // Nor does a preflight from it for the console's API.
    const preflight = await fetch(`${h.url}/console/api/session`, {
      method: 'OPTIONS',
      headers: { Origin: SHOP_ORIGIN, 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const fetchSite = await send(h.url, 'POST', path, {
      cookie,
      csrfToken,
      body,
      origin: null,
      headers: { 'Sec-Fetch-Site': 'same-site' },
    });
    assert.equal(fetchSite.status, 403);
    const profile = await agentApi(h.url, 'GET', `/v1/agent/profiles/${customer.profileId}`);
    const { messages } = (await profile.json()) as { messages: { text: string }[] };
    assert.ok(!messages.some((m) => m.text === 'forged'), 'nothing was posted');
  });

  it('refuses a login from another origin (login CSRF)', async () => {
    const foreign: Record<string, string>[] = [
      { Origin: SHOP_ORIGIN },
      { Origin: 'http://evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const res = await send(h.url, 'POST', '/console/api/login', { body: AGENT, origin: null, headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      // An origin no site allows is refused before any route (cors.ts); the others by the login.
      assert.match(await errorCode(res), /^(cross_origin|origin_not_allowed)$/);
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
  });

  it('answers nothing of /v1/agent or /console/api without a session or the agent key', async () => {
    const paths = [
      ['GET', '/v1/agent/conversations'],
      ['GET', `/v1/agent/profiles/${customer.profileId}`],
      ['POST', reply(customer.profileId)],
      ['POST', `/v1/agent/conversations/${customer.profileId}/read`],
      ['POST', `/v1/agent/conversations/${customer.profileId}/typing`],
      ['GET', '/v1/agent/stream'],
      ['GET', '/console/api/session'],
      ['POST', '/console/api/logout'],
    ];
    for (const [method, path] of paths) {
      const body = method === 'POST' ? { text: 'hi', typing: true } : undefined;
      for (const cookie of [undefined, 'not-a-session', 'A'.repeat(43)]) {
        const res = await send(h.url, method, path, { cookie, body });
        assert.equal(res.status, 401, `${method} ${path} with ${cookie}`);
        const text = await res.text();
        assert.ok(!text.includes('Where is my order'), 'nothing of the customer');
      }
    }
    // The agent key still opens the agent API, with no cookie and no CSRF token.
    const withKey = await agentApi(h.url, 'POST', reply(customer.profileId), {
      body: { text: 'From a program' },
    });
    assert.equal(withKey.status, 201);
  });

  it('limits logins per address and per name, right password included, with Retry-After', async () => {
    const limited = await startServer({
      sites: await sitesWithStaff(),
      limits: {
        loginsPerIp: { limit: 6, windowMs: 60_000 },
        loginsPerAccount: { limit: 3, windowMs: 60_000 },
      },
    });
    try {
      const attempt = (who: { name: string; password: string }) =>
        send(limited.url, 'POST', '/console/api/login', { body: who });
      for (let i = 0; i < 3; i++) assert.equal((await attempt({ ...AGENT, password: 'guess' })).status, 401);
      const locked = await attempt(AGENT);
      assert.equal(locked.status, 429);
      assert.equal(await errorCode(locked), 'login_rate_limited');
      assert.equal(locked.headers.get('retry-after'), '60');
      // Another name from the same address goes on, until the address is spent.
      assert.equal((await attempt(ASSOCIATE)).status, 200);
      assert.equal((await attempt({ name: 'nobody', password: 'guess' })).status, 401);
      const byIp = await attempt(ASSOCIATE);
      assert.equal(byIp.status, 429);
      assert.equal(await errorCode(byIp), 'login_rate_limited');
      limited.clock.now += 60_000;
      assert.equal((await attempt(AGENT)).status, 200, 'a new window');
    } finally {
      await limited.close();
    }
  });

  it('ends the sessions of an account removed from the config, given another role or a new password', async () => {
    const status = async (cookie: string) =>
      (await send(h.url, 'GET', '/console/api/session', { cookie })).status;
    const [shop, ...others] = staffSites;
    try {
      // Mia leaves the config, Leo becomes an agent: both sessions end, the next one of Leo's works.
      const mia = await login(h.url, AGENT);
      const leo = await login(h.url, ASSOCIATE);
      const staff = (shop.staff ?? [])
        .filter((account) => account.name !== 'mia')
        .map((account) => ({ ...account, role: 'agent' as const }));
      h.server.reloadSites([{ ...shop, staff }, ...others]);
      assert.equal(await status(mia.cookie), 401);
      assert.equal(await status(leo.cookie), 401);
      assert.equal(await status((await login(h.url, ASSOCIATE)).cookie), 200);
      // A new password hash (a leaked password replaced): the sessions opened before it end.
      h.server.reloadSites(staffSites);
      const before = await login(h.url, AGENT);
      h.server.reloadSites(await sitesWithStaff());
      assert.equal(await status(before.cookie), 401);
      assert.equal(await status((await login(h.url, AGENT)).cookie), 200);
    } finally {
      h.server.reloadSites(staffSites);
    }
  });

  it("ends a session's agent stream when the session ends, a key's stream goes on", {
    timeout: 10_000,
  }, async () => {
    // Sessions are checked at each ping: a fast one here.
    const fast = await startServer({ sites: staffSites, streamPingMs: 50 });
    const open: Response[] = [];
    try {
      const { cookie, csrfToken } = await login(fast.url, AGENT);
      const bySession = await send(fast.url, 'GET', '/v1/agent/stream', { cookie });
      const byKey = await agentApi(fast.url, 'GET', '/v1/agent/stream');
      open.push(bySession, byKey);
      assert.equal(bySession.status, 200);
      assert.equal(byKey.status, 200);
      assert.equal((await send(fast.url, 'POST', '/console/api/logout', { cookie, csrfToken })).status, 204);
      // The session's stream ends by itself; the key's is still open a moment later.
      const reader = bySession.body!.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) {}
      const keyReader = byKey.body!.getReader();
      const still = await Promise.race([
        keyReader.read().then(() => 'open'),
        new Promise((resolve) => setTimeout(() => resolve('silent'), 1000)),
      ]);
      assert.equal(still, 'open', "pings still come on the key's stream");
      await keyReader.cancel();
    } finally {
      await fast.close();
    }
  });

  it('shares sessions between server processes on one database', async () => {
    // A second server on the same database, as a second process behind a load balancer would be.
    const second = createServer({ store: h.store, sites: staffSites, now: () => h.clock.now });
    const listening: Listening = await second.listen(0);
    try {
      const { cookie, csrfToken } = await login(h.url, AGENT);
      const there = await send(listening.url, 'GET', '/v1/agent/conversations', { cookie });
      assert.equal(there.status, 200);
      const out = await send(listening.url, 'POST', '/console/api/logout', { cookie, csrfToken });
      assert.equal(out.status, 204);
      assert.equal((await send(h.url, 'GET', '/console/api/session', { cookie })).status, 401);
    } finally {
      await listening.close();
    }
  });
});
