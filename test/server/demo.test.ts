// The demo server (demo/serve.ts), started for real on free ports: its demo login signs any demo
// user, so it answers only requests addressed to the demo itself. A DNS-rebinding page (any name
// resolving to 127.0.0.1) or a page of another origin gets 403. The agent console is the backend's
// own (/console), behind its sign-in: the demo has no proxy to the agent API any more. Then the shop
// page in Chromium, one browser context per device: the console's real login form, what the page's
// "Try it" steps promise, the widget's language switch, and a phone's width.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../browser/commands/find-chrome.mjs';
import { customerMessage } from './protocol/agent-client.ts';
import { register, sync } from './protocol/client.ts';

const chrome = findChrome();
const withoutChrome = chrome ? false : 'no Chromium found (set CHROME_PATH)';
const dir = mkdtempSync(join(tmpdir(), 'omnikit-demo-'));
let demo: ChildProcess;
let shopPort = 0;
let backendUrl = '';
let shop = '';
let profileId = '';
/** The demo's agent account and the site's agent key, from server/omnikit.config.json (public examples). */
const DEMO_AGENT = { name: 'ada-agent', password: 'demo-password-change-me' };
const DEMO_ASSOCIATE = { name: 'sam-associate', password: 'demo-password-change-me' };
const DEMO_AGENT_KEY = 'demo-agent-key-change-me';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One request with exactly these headers (Host included, which fetch would not let us set). */
function call(
  path: string,
  headers: Record<string, string>,
  options: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      { host: '127.0.0.1', port: shopPort, path, method: options.method ?? 'GET', setHost: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    if (body) req.setHeader('Content-Type', 'application/json');
    req.end(body);
  });
}

before(async () => {
  shopPort = await freePort();
  const backendPort = await freePort();
  shop = `127.0.0.1:${shopPort}`;
  demo = spawn(process.execPath, ['--import', 'tsx', 'demo/serve.ts'], {
    env: {
      ...process.env,
      OMNIKIT_DEMO_PORT: String(shopPort),
      OMNIKIT_DEMO_BACKEND_PORT: String(backendPort),
      OMNIKIT_DEMO_DATA_DIR: dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Agent console:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    demo.stdout?.on('data', read);
    demo.stderr?.on('data', read);
    demo.once('exit', () => reject(new Error(`the demo exited:\n${output}`)));
  });
  backendUrl = /Omnikit backend: (\S+)/.exec(output)?.[1] ?? '';
  // A customer who wrote in the chat: the conversation every attacker below is after.
  const customer = await register(backendUrl, 'anon-customer', 'demo-write-key');
  await sync(backendUrl, customer, [customerMessage('hello', 'my address is 1 Main St', Date.now())]);
  profileId = customer.profileId;
});

after(async () => {
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The agent replies the conversation holds, read with the agent key. */
async function agentReplies(): Promise<string[]> {
  const res = await fetch(`${backendUrl}/v1/agent/profiles/${profileId}`, {
    headers: { Authorization: `Bearer ${DEMO_AGENT_KEY}` },
  });
  assert.equal(res.status, 200);
  const { messages } = (await res.json()) as { messages: { from: string; text: string }[] };
  return messages.filter((m) => m.from === 'agent').map((m) => m.text);
}

/** Signs in on the console's login form as the demo's agent account, and waits for the conversations. */
async function signInToConsole(page: Page, who = DEMO_AGENT): Promise<void> {
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(who.name);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const heading = who === DEMO_AGENT ? 'Conversations' : "Customer's code";
  await page.getByRole('heading', { name: heading }).waitFor();
}

describe('the demo shop', () => {
  it("answers its own pages' requests, on 127.0.0.1 and localhost", async () => {
    const origin = `http://${shop}`;
    for (const host of [shop, `localhost:${shopPort}`]) {
      const login = await call(
        '/api/login?userId=demo-user-ada',
        { Host: host, Origin: origin },
        { method: 'POST' },
      );
      assert.equal(login.status, 200, login.body);
      const events = await call('/api/events?anonymousId=anon-customer', {
        Host: host,
        'Sec-Fetch-Site': 'same-origin',
      });
      assert.equal(events.status, 200, events.body);
    }
  });

  it('has no agent proxy any more: the agent API answers only a session or the agent key', async () => {
    for (const [method, path] of [
      ['GET', '/agent-api/conversations?limit=50'],
      ['GET', `/agent-api/profiles/${profileId}`],
      ['POST', `/agent-api/conversations/${profileId}/messages`],
    ]) {
      const res = await call(
        path,
        { Host: shop },
        { method, body: method === 'POST' ? { text: 'x' } : undefined },
      );
      assert.ok(!res.body.includes(profileId) && !res.body.includes('1 Main St'), `${method} ${path}`);
    }
    const direct = await fetch(`${backendUrl}/v1/agent/conversations`);
    assert.equal(direct.status, 401);
    const page = await fetch(`${backendUrl}/console`);
    assert.equal(page.status, 200);
  });

  it('refuses a request whose Host is not its own (DNS rebinding)', async () => {
    for (const host of [
      `rebind.example:${shopPort}`,
      `127.0.0.1.nip.io:${shopPort}`,
      '127.0.0.1:1',
      'localhost',
    ]) {
      for (const [method, path] of [
        ['GET', '/api/events?anonymousId=anon-customer'],
        ['POST', '/api/login?userId=demo-user-ada'],
        ['GET', '/'],
        ['GET', '/plan'],
      ]) {
        const res = await call(path, { Host: host }, { method });
        assert.equal(res.status, 403, `${method} ${path} with Host ${host}`);
      }
    }
  });

  it('refuses a request from another origin', async () => {
    const foreign: Record<string, string>[] = [
      { Origin: 'http://evil.example' },
      { Origin: `http://rebind.example:${shopPort}` },
      { Origin: 'null' },
      { Origin: `https://${shop}` },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of foreign) {
      const what = JSON.stringify(headers);
      const events = await call('/api/events?anonymousId=anon-customer', { Host: shop, ...headers });
      assert.equal(events.status, 403, `events ${what}`);
      const login = await call(
        '/api/login?userId=demo-user-ada',
        { Host: shop, ...headers },
        { method: 'POST' },
      );
      assert.equal(login.status, 403, `login ${what}`);
    }
  });

  it("serves the backend's console in Chromium behind its login form, and a rebinding page gets nothing", {
    skip: withoutChrome,
    timeout: 60_000,
  }, async () => {
    const backendPort = new URL(backendUrl).port;
    const browser = await chromium.launch({
      executablePath: chrome,
      args: [...CHROME_FLAGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
    });
    try {
      // One browser profile: the attacker's page below shares the agent's cookie jar.
      const context = await browser.newContext();
      const agent = await context.newPage();
      await agent.goto(`${backendUrl}/console`);
      // A wrong password first: the form says so and shows nothing of the customers.
      await agent.getByRole('textbox', { name: 'Name', exact: true }).fill(DEMO_AGENT.name);
      await agent.getByLabel('Password').fill('not-the-password');
      await agent.getByRole('button', { name: 'Sign in' }).click();
      await agent.getByRole('alert').getByText('Wrong name or password.').waitFor();
      await signInToConsole(agent);
      await agent.click('#conversations button');
      await agent.waitForSelector('#messages li');
      await agent.fill('#reply-text', 'Sent from the console');
      await agent.click('#reply button[type=submit]');
      await agent.waitForFunction(() =>
        [...document.querySelectorAll('#messages li.agent')].some((li) =>
          li.textContent?.includes('Sent from the console'),
        ),
      );
      assert.ok((await agentReplies()).includes('Sent from the console'));
      // A reload keeps the session (the cookie); signing out ends it.
      await agent.reload();
      await agent.getByRole('heading', { name: 'Conversations' }).waitFor();
      await agent.getByRole('button', { name: 'Sign out' }).click();
      await agent.getByRole('button', { name: 'Sign in' }).waitFor();
      const after = await agent.evaluate(async () => (await fetch('/v1/agent/conversations')).status);
      assert.equal(after, 401);

      // The attacker's page, once its name resolves to 127.0.0.1, is "same-origin" with the backend,
      // but the session cookie belongs to 127.0.0.1: nothing is sent, nothing answered.
      const attacker = await context.newPage();
      await agent.goto(`${backendUrl}/console`);
      await signInToConsole(agent);
      await attacker.goto(`http://rebind.test:${backendPort}/console`);
      const stolen = await attacker.evaluate(async () => {
        const res = await fetch('/v1/agent/conversations?limit=50');
        return { status: res.status, body: await res.text() };
      });
      assert.equal(stolen.status, 401);
      assert.ok(!stolen.body.includes(profileId));
    } finally {
      await browser.close();
    }
  });
});

/** The shop in a browser context of its own: each context is one device, with its own storage. */
async function openShop(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`http://${shop}/`);
  return page;
}

async function signInAsAda(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in as Ada' }).click();
  await page.getByText('Signed in as Ada').waitFor();
}

async function addToCart(page: Page, product: string): Promise<void> {
  const card = page.locator('#products .card').filter({ hasText: product });
  await card.getByRole('button', { name: 'Add to cart' }).click();
  await page.locator('#lines').getByText(product).waitFor();
}

describe('the demo page in Chromium', { skip: withoutChrome }, () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** A new device: a browser context with empty storage, closed after the test. */
  const device = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context;
  };
  before(async () => {
    browser = await chromium.launch({ executablePath: chrome, args: CHROME_FLAGS });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  after(async () => {
    await browser?.close();
  });

  it('shows how to try it, and its agent console answers the chat', { timeout: 60_000 }, async () => {
    const page = await openShop(await device());
    const steps = page.getByRole('region', { name: 'Try it' }).getByRole('listitem');
    const count = await steps.count();
    assert.ok(count >= 3 && count <= 5, `3 to 5 steps, got ${count}`);
    for (const step of await steps.all()) assert.ok(await step.isVisible());

    // The customer writes in the chat; the agent answers from the console the steps link to.
    await page.getByRole('button', { name: 'Open chat', exact: true }).click();
    const chat = page.getByRole('dialog');
    await chat.getByRole('textbox', { name: 'Message' }).fill('Is the tee organic cotton?');
    await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
    const [agent] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'agent console' }).click(),
    ]);
    assert.equal(agent.url(), `${backendUrl}/console`);
    // The steps tell the demo account: signing in with what the page shows works.
    const steps_ = await steps.allInnerTexts();
    assert.ok(steps_.some((step) => step.includes(DEMO_AGENT.name) && step.includes(DEMO_AGENT.password)));
    await signInToConsole(agent);
    await agent.getByRole('button', { name: /Is the tee organic cotton\?/ }).click();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('It is, 100 %.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await chat.getByRole('log').getByText('It is, 100 %.').waitFor();
  });

  it('moves a guest cart to another device with a one-time link', { timeout: 60_000 }, async () => {
    const laptop = await openShop(await device());
    const phone = await device();
    await openShop(phone); // the second window, already on the shop
    await addToCart(laptop, 'Canvas tote');
    await laptop.getByRole('button', { name: 'Continue on another device' }).click();
    const link = laptop.locator('#handoff-link').getByText('Open this on your other device');
    await link.waitFor();
    const url = /http\S+/.exec(await link.innerText())?.[0] ?? '';
    // In a new tab, as the steps say: the link is the shop's address plus a #fragment, so a tab already
    // on the shop would only move to the fragment, and the SDK reads the link as the page loads.
    const tab = await phone.newPage();
    await tab.goto(url);
    await tab.getByRole('button', { name: 'Resume it here' }).click();
    await tab.locator('#lines').getByText('Canvas tote').waitFor();
    // The same link opened again, on a third device: the customer is told it was used, and what to do.
    const third = await (await device()).newPage();
    await third.goto(url);
    await third.getByText('This link was already opened on another device').waitFor();
    assert.equal(await third.getByRole('button', { name: 'Resume it here' }).isVisible(), false);
  });

  it("moves Ada's cart to her other device as she adds to it", { timeout: 60_000 }, async () => {
    const [laptop, phone] = [await openShop(await device()), await openShop(await device())];
    await signInAsAda(laptop);
    await signInAsAda(phone);
    await addToCart(laptop, 'Organic tee');
    // Nothing is reloaded on the phone: the line arrives through the change stream.
    await phone.locator('#lines').getByText('Organic tee').waitFor();
    assert.match(await phone.locator('#total').innerText(), /^1 items/);
  });

  it("sells Ada's cart at the till from an associate's window", { timeout: 60_000 }, async () => {
    const [laptop, phone] = [await openShop(await device()), await openShop(await device())];
    await signInAsAda(laptop);
    await signInAsAda(phone);
    await addToCart(laptop, 'Organic tee');
    await phone.locator('#lines').getByText('Organic tee').waitFor();
    // Ada shows her cart in the store, from the widget on her phone.
    await phone.getByRole('button', { name: 'Open chat', exact: true }).click();
    const widget = phone.getByRole('dialog');
    await widget.getByRole('button', { name: 'Cart', exact: true }).click();
    await widget.getByRole('button', { name: 'Show my cart in store' }).click();
    const code = (await widget.locator('.code').innerText()).replace(/\s/g, '');
    // The associate, in a window of their own, signs in with the account the steps name.
    const steps = await phone.getByRole('region', { name: 'Try it' }).getByRole('listitem').allInnerTexts();
    assert.ok(steps.some((step) => step.includes(DEMO_ASSOCIATE.name)));
    const till = await (await device()).newPage();
    await till.goto(`${backendUrl}/console`);
    await signInToConsole(till, DEMO_ASSOCIATE);
    await till.getByRole('textbox', { name: 'Code' }).fill(code);
    await till.getByRole('button', { name: 'Show the cart' }).click();
    // Ada's cart may hold lines from the tests before (one demo server): the tee is among them.
    await till
      .locator('#store-cart')
      .getByText(/× Organic tee/)
      .waitFor();
    await till.getByRole('textbox', { name: 'Receipt number' }).fill('demo-till-1');
    await till.getByRole('button', { name: 'Complete the sale' }).click();
    await till.getByText('Sale demo-till-1 completed').waitFor();
    // Both of Ada's windows: the cart is empty, and the order is in the widget's Orders.
    for (const page of [laptop, phone])
      await page.locator('#lines').getByText('Organic tee').waitFor({ state: 'detached' });
    await widget.getByRole('button', { name: 'Orders', exact: true }).click();
    await widget.getByText('Order demo-till-1').waitFor();
  });

  it('shows the widget in the language picked, after a reload too', { timeout: 60_000 }, async () => {
    const page = await openShop(await device({ locale: 'en-US' }));
    const language = (name: string) =>
      page.getByRole('group', { name: 'Widget language' }).getByRole('button', { name });
    const launcher = (name: string) => page.getByRole('button', { name, exact: true });
    /** Picks a language: the page reloads, as the widget takes its language when the SDK starts. */
    const pick = async (name: string) => {
      await Promise.all([page.waitForEvent('load'), language(name).click()]);
    };
    await launcher('Open chat').waitFor();
    assert.equal(await language('English').getAttribute('aria-pressed'), 'true');

    await pick('繁體中文');
    await launcher('開啟對話').click();
    // The shop's English title gives way to the widget's own, in the language picked.
    await page.getByRole('dialog', { name: '與我們聊聊' }).getByRole('button', { name: '購物車' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hant');
    assert.equal(await language('繁體中文').getAttribute('aria-pressed'), 'true');
    assert.equal(await language('English').getAttribute('aria-pressed'), 'false');

    await page.reload();
    await launcher('開啟對話').waitFor();
    assert.equal(await language('繁體中文').getAttribute('aria-pressed'), 'true');

    await pick('简体中文');
    await launcher('打开对话').click();
    await page.getByRole('dialog', { name: '与我们聊聊' }).getByRole('button', { name: '购物车' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');

    await pick('English');
    await launcher('Open chat').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  });

  it('fits a 390 px phone, checkout form included', { timeout: 60_000 }, async () => {
    const page = await openShop(await device({ viewport: { width: 390, height: 844 }, isMobile: true }));
    await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor(); // the SDK and widget are in
    // The longest lines the page shows: a cart line and a handoff link.
    await addToCart(page, 'Organic tee');
    await page.getByRole('button', { name: 'Continue on another device' }).click();
    await page.locator('#handoff-link').getByText('Open this on your other device').waitFor();
    const checkout = page.getByRole('heading', { name: 'Checkout: shipping' });
    await checkout.scrollIntoViewIfNeeded();
    assert.ok(await checkout.isVisible());

    const width = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    assert.ok(width.scrollWidth <= width.clientWidth, `no horizontal scroll: ${JSON.stringify(width)}`);
    assert.ok(width.clientWidth <= 390);

    // Every field of the checkout form stays inside the form's card.
    const outside = await page.evaluate(() => {
      const card = document.getElementById('shipping')!.getBoundingClientRect();
      return [...document.querySelectorAll('#shipping input, #shipping select, #shipping textarea')]
        .filter((field) => {
          const box = field.getBoundingClientRect();
          return box.left < card.left || box.right > card.right;
        })
        .map((field) => field.getAttribute('name'));
    });
    assert.deepEqual(outside, [], 'fields wider than their card');
  });
});
