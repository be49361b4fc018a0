// The demo server (demo/serve.ts), started for real on free ports: its agent proxy adds the agent key
// and has no login, so it answers only requests addressed to the demo itself. A DNS-rebinding page
// (any name resolving to 127.0.0.1) or a page of another origin gets 403 and nothing of any customer.
// Then the shop page in Chromium, one browser context per device: what its "Try it" steps promise,
// the widget's language switch, and a phone's width.
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

const conversations = () => `/agent-api/conversations?limit=50`;
const replyTo = () => `/agent-api/conversations/${profileId}/messages`;

/** The agent replies the conversation holds, read the legitimate way. */
async function agentReplies(): Promise<string[]> {
  const res = await call(`/agent-api/profiles/${profileId}`, { Host: shop });
  assert.equal(res.status, 200, res.body);
  const { messages } = JSON.parse(res.body) as { messages: { from: string; text: string }[] };
  return messages.filter((m) => m.from === 'agent').map((m) => m.text);
}

describe('the demo shop', () => {
  it("answers its own pages' requests, on 127.0.0.1 and localhost", async () => {
    for (const host of [shop, `localhost:${shopPort}`]) {
      const list = await call(conversations(), { Host: host, 'Sec-Fetch-Site': 'same-origin' });
      assert.equal(list.status, 200, list.body);
      assert.ok(list.body.includes(profileId), 'the conversation is listed');
    }
    const origin = `http://${shop}`;
    const reply = await call(
      replyTo(),
      { Host: shop, Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
      { method: 'POST', body: { text: 'On its way', name: 'Mia' } },
    );
    assert.equal(reply.status, 201, reply.body);
    const login = await call(
      '/api/login?userId=demo-user-ada',
      { Host: shop, Origin: origin },
      { method: 'POST' },
    );
    assert.equal(login.status, 200, login.body);
    assert.equal((await call('/agent', { Host: `localhost:${shopPort}` })).status, 200);
  });

  it('refuses a request whose Host is not its own (DNS rebinding)', async () => {
    for (const host of [
      `rebind.example:${shopPort}`,
      `127.0.0.1.nip.io:${shopPort}`,
      '127.0.0.1:1',
      'localhost',
    ]) {
      for (const [method, path] of [
        ['GET', conversations()],
        ['GET', `/agent-api/profiles/${profileId}`],
        ['GET', '/agent-api/stream'],
        ['POST', replyTo()],
        ['GET', '/api/events?anonymousId=anon-customer'],
        ['POST', '/api/login?userId=demo-user-ada'],
        ['GET', '/agent'],
        ['GET', '/plan'],
      ]) {
        const body = method === 'POST' ? { text: 'rebound' } : undefined;
        const res = await call(path, { Host: host }, { method, body });
        assert.equal(res.status, 403, `${method} ${path} with Host ${host}`);
        assert.ok(
          !res.body.includes('1 Main St') && !res.body.includes(profileId),
          'nothing of the customer',
        );
      }
    }
    assert.ok(!(await agentReplies()).includes('rebound'), 'no reply was posted');
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
      const list = await call(conversations(), { Host: shop, ...headers });
      assert.equal(list.status, 403, `list ${what}`);
      assert.ok(!list.body.includes(profileId), 'nothing of the customer');
      const reply = await call(
        replyTo(),
        { Host: shop, ...headers },
        { method: 'POST', body: { text: 'forged' } },
      );
      assert.equal(reply.status, 403, `reply ${what}`);
      const login = await call(
        '/api/login?userId=demo-user-ada',
        { Host: shop, ...headers },
        { method: 'POST' },
      );
      assert.equal(login.status, 403, `login ${what}`);
    }
    assert.ok(!(await agentReplies()).includes('forged'), 'no reply was posted');
  });

  it('serves the real agent console in Chromium, and a rebinding page gets nothing', {
    skip: withoutChrome,
    timeout: 60_000,
  }, async () => {
    const browser = await chromium.launch({
      executablePath: chrome,
      args: [...CHROME_FLAGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
    });
    try {
      const agent = await browser.newPage();
      await agent.goto(`http://${shop}/agent`);
      await agent.click('#conversations button');
      await agent.waitForSelector('#messages li');
      await agent.fill('#reply-text', 'Sent from the console');
      await agent.click('#reply button[type=submit]');
      // An earlier case already replied, so wait for this reply itself, not for any agent reply.
      await agent.waitForFunction(() =>
        [...document.querySelectorAll('#messages li.agent')].some((li) =>
          li.textContent?.includes('Sent from the console'),
        ),
      );
      assert.ok((await agentReplies()).includes('Sent from the console'));

      // The attacker's page, once its name resolves to 127.0.0.1, is "same-origin" with the demo.
      const attacker = await browser.newPage();
      const page = await attacker.goto(`http://rebind.test:${shopPort}/agent`);
      assert.equal(page?.status(), 403);
      const stolen = await attacker.evaluate(async () => {
        const res = await fetch('/agent-api/conversations?limit=50');
        return { status: res.status, body: await res.text() };
      });
      assert.equal(stolen.status, 403);
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
    assert.equal(new URL(agent.url()).pathname, '/agent');
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
