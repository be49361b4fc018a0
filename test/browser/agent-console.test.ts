// The backend's staff console (/console), opened in a real tab on the backend's own origin, signed in
// through its login form as the test site's agent, calling the real agent API with its session: hostile text
// from a customer (and a hostile name or reply) renders inert, and the customer's profile reads as
// words an agent understands (labelled draft fields, prices in their currency, browsers, channels).
import { expect } from '@open-wc/testing';
import { createServerEvents } from '../../src/server-events.ts';
import { agent } from './agent.ts';
import { signInToConsole } from './console-page.ts';
import {
  backend,
  openTab,
  resetBackend,
  storedEvents,
  storedRecords,
  type Tab,
  TEST_CONSOLE_LOGIN,
  TEST_SERVER_KEY,
  waitFor,
  writeKeys,
} from './helpers.ts';
import { identifyIn, pagePool } from './sdk.ts';
import { openWidget } from './widget-page.ts';

const js = JSON.stringify;

const HOSTILE = `<img src=x onerror="window.top.pwned=1"><a href="javascript:window.top.pwned=2">click</a>`;

/** Elements the hostile text would have made, had it been parsed as HTML. */
const injected = (tab: Tab) =>
  tab.eval<number>(
    `document.querySelectorAll('main img, main a[href^="javascript"], main script, main iframe').length`,
  );

/** A form whose draft the customer leaves half-filled; its fields named as shops name them. */
const SHIPPING_FORM = `<form data-omnikit-form="shipping">
  <input name="shipping_address">
  <select name="country" multiple><option value="TW">Taiwan</option><option value="JP">Japan</option></select>
  <input name="giftNote">
</form>`;

/** Opens the backend's console in a tab and signs in on its form as the test site's agent. */
const openConsole = async (): Promise<Tab> =>
  signInToConsole(await openTab(`${backend.url}/console`), TEST_CONSOLE_LOGIN);

/** Opens the console and the conversation of the only customer; resolves when the profile shows. */
async function openConsoleOnCustomer(): Promise<Tab> {
  const console_ = await openConsole();
  await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#conversations button')`), {
    message: 'the console lists the conversation',
  });
  await console_.act('click', '#conversations button');
  await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#profile dl')`), {
    message: 'the console shows the profile',
  });
  return console_;
}

describe('agent console', function () {
  this.timeout(60_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows hostile message text and names as text, in the list, the chat and the profile', async () => {
    const customer = pool.keep(await openWidget());
    await customer.openPanel();
    await customer.send(HOSTILE);
    const anonymousId = await customer.anonymousId();
    await waitFor(async () => (await agent.conversations()).length === 1);
    await agent.reply({ anonymousId }, `${HOSTILE} (agent)`, '<b onmouseover=alert(1)>Mia</b>');
    // A page names its cart lines, and claims any channel and user agent (write key): text as well.
    await customer.eval(
      `omnikit.cart.add(${js({ productId: 'x', name: HOSTILE, price: 1, currency: 'EUR' })})`,
    );
    // After the page's own events, so the claim is the device's last event and names its browser.
    await waitFor(
      async () => (await storedEvents({ anonymousId })).some((e) => e.event === 'Product Added'),
      {
        message: 'the page’s events are stored',
      },
    );
    const claim = { type: 'track', event: 'Claimed', messageId: 'hostile-claim', anonymousId };
    const sent = await fetch(`${backend.url}/v1/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: js({
        writeKey: writeKeys.test,
        batch: [
          {
            ...claim,
            timestamp: new Date().toISOString(),
            context: { channel: HOSTILE, userAgent: HOSTILE },
          },
        ],
      }),
    });
    expect(sent.status).to.equal(200);
    await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart' && !r.deleted), {
      message: 'the cart line reaches the server',
    });

    const console_ = await openConsole();
    try {
      await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#conversations button')`), {
        message: 'the console lists the conversation',
      });
      await console_.act('click', '#conversations button');
      await waitFor(() => console_.eval<boolean>(`document.querySelectorAll('#messages li').length === 2`), {
        message: 'the console shows both messages',
      });
      const profile = await console_.eval<[string, string, string | null]>(
        `[document.querySelector('#profile .cart-line .item').textContent, [...document.querySelectorAll('#profile .event .channel')].map((c) => c.textContent).join(), document.querySelector('#profile .device').getAttribute('title')]`,
      );
      expect(profile[0]).to.equal(`1 × ${HOSTILE}`);
      expect(profile[1]).to.include(HOSTILE);
      expect(profile[2]).to.include(HOSTILE);
      const shown = await console_.eval<string[]>(
        `[...document.querySelectorAll('#messages li')].map((li) => li.firstChild.textContent)`,
      );
      expect(shown).to.deep.equal([HOSTILE, `${HOSTILE} (agent)`]);
      expect(
        await console_.eval<string>(`document.querySelector('#messages .agent .meta').textContent`),
      ).to.match(/^<b onmouseover=alert\(1\)>Mia<\/b> · /);
      expect(
        await console_.eval<string>(`document.querySelector('#conversations .last').textContent`),
      ).to.equal(`You: ${HOSTILE} (agent)`);
      expect(await injected(console_)).to.equal(0);
      expect(await console_.eval(`window.pwned ?? null`)).to.equal(null);
      // The page would have run an injected handler by now, or on a click of the link text.
      await console_.act('click', '#messages li');
      expect(await console_.eval(`window.pwned ?? null`)).to.equal(null);
    } finally {
      await console_.close();
    }
  });
  it('marks what a page claims unverified and what the shop’s servers sent verified', async () => {
    const customer = pool.keep(await openWidget());
    await customer.openPanel();
    await customer.send('Where is my order?');
    const anonymousId = await customer.anonymousId();
    // The page (public write key) claims a name and an email, and a store order.
    const claimedName = `${HOSTILE} Mallory`;
    await customer.eval(
      `omnikit.identify('mallory', ${JSON.stringify({ name: claimedName, email: 'm@claimed.example' })})`,
    );
    await customer.eval(`omnikit.track('Order Completed', { order_id: 'fake' })`);
    // The shop's servers (server key) know a plan and the real order.
    const pos = createServerEvents({ endpoint: backend.url, serverKey: TEST_SERVER_KEY, channel: 'store' });
    pos.identify({ anonymousId }, { plan: 'gold' });
    pos.track({ anonymousId }, 'Order Completed', { order_id: 'real' });
    await pos.flush();
    await waitFor(
      async () =>
        (await storedEvents({ anonymousId })).filter(
          (e) => e.type === 'identify' || e.event === 'Order Completed',
        ).length === 4,
      {
        message: 'the claims and the server events are stored',
      },
    );

    const console_ = await openConsole();
    try {
      await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#conversations button')`), {
        message: 'the console lists the conversation',
      });
      const who = await console_.eval<[string, string]>(
        `(() => { const w = document.querySelector('#conversations .who'); return [w.firstChild.textContent, w.querySelector('.mark').className]; })()`,
      );
      expect(who).to.deep.equal([claimedName, 'mark unverified']);
      await console_.act('click', '#conversations button');
      await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#profile dd .mark')`), {
        message: 'the console shows the profile',
      });
      const title = await console_.eval<[string, string]>(
        `[document.querySelector('#chat-title').firstChild.textContent, document.querySelector('#chat-title .mark').textContent]`,
      );
      expect(title).to.deep.equal([claimedName, 'unverified']);
      const traits = await console_.eval<[string, string, string][]>(
        `[...document.querySelectorAll('#profile dd')].slice(1).map((dd) => [dd.previousElementSibling.textContent, dd.firstChild.textContent, dd.querySelector('.mark').textContent])`,
      );
      expect(traits).to.deep.equal([
        ['plan', 'gold', 'verified'],
        ['name', claimedName, 'unverified'],
        ['email', 'm@claimed.example', 'unverified'],
      ]);
      const orders = await console_.eval<string[]>(
        `[...document.querySelectorAll('#profile li')].filter((li) => li.textContent.includes('Order Completed')).map((li) => li.querySelector('.mark').textContent)`,
      );
      expect(orders.sort()).to.deep.equal(['unverified', 'verified']);
      expect(await injected(console_)).to.equal(0);
      expect(await console_.eval(`window.pwned ?? null`)).to.equal(null);
    } finally {
      await console_.close();
    }
  });

  it('updates the 360° view as it changes: the cart, what was viewed, an order (verified)', async () => {
    const customer = pool.keep(await openWidget());
    await identifyIn(customer, 'kai');
    await customer.openPanel();
    await customer.send('Where is my order?');
    const console_ = await openConsoleOnCustomer();
    try {
      const shows = (selector: string, text: string) =>
        waitFor(
          () =>
            console_.eval<boolean>(
              `[...document.querySelectorAll(${js(selector)})].some((li) => li.textContent.includes(${js(text)}))`,
            ),
          { timeout: 3000, message: `the open view shows ${text} without a click` },
        );
      await customer.eval(
        `omnikit.cart.add(${js({ productId: 'tea', name: 'Oolong tea', price: 12, currency: 'EUR' })})`,
      );
      await shows('#profile .cart-line', 'Oolong tea');
      await customer.eval(
        `omnikit.track('Product Viewed', ${js({ product_id: 'pot', name: 'Clay teapot' })})`,
      );
      await shows('#profile li', 'Clay teapot');
      // The shop's order system writes an order: verified, as no device can write one.
      const written = await fetch(`${backend.url}/v1/profiles/kai/orders`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_SERVER_KEY}`, 'Content-Type': 'application/json' },
        body: js({ id: 'o-7', status: 'ready_for_pickup', total: 24, currency: 'EUR', channel: 'web' }),
      });
      expect(written.status).to.equal(200);
      await shows('#profile li.order', 'o-7 · Ready for pickup');
      const marks = await console_.eval<[string, string]>(
        `[document.querySelector('#profile li.order .mark').textContent, [...document.querySelectorAll('#profile li')].find((li) => li.textContent.includes('Clay teapot')).querySelector('.mark').textContent]`,
      );
      expect(marks).to.deep.equal(['verified', 'unverified']);
    } finally {
      await console_.close();
    }
  });

  it('shows a draft as labelled fields, cart prices in their currency, the browser and each event’s channel', async () => {
    const customer = pool.keep(await openWidget({ forms: js({ sync: true }) }));
    await customer.openPanel();
    await customer.send('Can you ship to Taipei?');
    const anonymousId = await customer.anonymousId();
    await customer.eval(`document.body.insertAdjacentHTML('beforeend', ${js(SHIPPING_FORM)})`);
    await customer.act('fill', '[name=shipping_address]', '12 Harbour Rd');
    await customer.act('select', '[name=country]', ['TW', 'JP']);
    await customer.act('fill', '[name=giftNote]', 'for mum');
    await customer.act('fill', '[name=giftNote]', '');
    await customer.eval(
      `omnikit.cart.add(${js({ productId: 'oolong', name: 'Oolong tea', price: 640, currency: 'TWD', quantity: 2 })}); omnikit.cart.add(${js({ productId: 'mug', name: 'Mug', price: 19.9, currency: 'EUR' })})`,
    );
    await customer.eval(`omnikit.track('Product Viewed', { product_id: 'oolong' })`);
    const store = createServerEvents({ endpoint: backend.url, serverKey: TEST_SERVER_KEY, channel: 'store' });
    store.track({ anonymousId }, 'Order Completed', { order_id: 'in-store-1' });
    await store.flush();
    await waitFor(
      async () => {
        const records = (await storedRecords()).filter((r) => !r.deleted);
        const synced = (doc: string) => records.filter((r) => r.doc === doc).length;
        return synced('cart') === 2 && synced('form:shipping') === 3;
      },
      { message: 'the cart and the draft reach the server', timeout: 10_000 },
    );
    await waitFor(
      async () =>
        (await storedEvents({ anonymousId })).filter((e) =>
          /Product Viewed|Order Completed/.test(e.event ?? ''),
        ).length === 2,
      { message: 'the web and the store events are stored' },
    );

    const console_ = await openConsoleOnCustomer();
    try {
      await console_.viewport(1280, 900);
      await console_.screenshot('agent-console-profile');
      const drafts = await console_.eval<[string, [string, string][]][]>(
        `[...document.querySelectorAll('#profile .draft')].map((d) => [d.querySelector('h4').textContent, [...d.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])])`,
      );
      expect(drafts).to.deep.equal([
        [
          'Shipping',
          [
            ['Country', 'TW, JP'],
            ['Gift note', '—'],
            ['Shipping address', '12 Harbour Rd'],
          ],
        ],
      ]);
      const cart = await console_.eval<[string, string][]>(
        `[...document.querySelectorAll('#profile .cart-line')].map((li) => [li.querySelector('.item').textContent, li.querySelector('.amount').textContent])`,
      );
      expect(cart.sort()).to.deep.equal([
        ['1 × Mug', '€19.90'],
        ['2 × Oolong tea', 'NT$1,280.00'],
      ]);
      const devices = await console_.eval<string[]>(
        `[...document.querySelectorAll('#profile .device')].map((li) => li.textContent)`,
      );
      const chrome = /(?:Headless)?Chrome\/(\d+)/.exec(
        await customer.eval<string>('navigator.userAgent'),
      )?.[1];
      expect(devices).to.have.length(1);
      expect(devices[0]).to.match(
        new RegExp(`^Chrome ${chrome} on (Linux|macOS|Windows|ChromeOS) · (just now|1 min ago)$`),
      );
      const channels = await console_.eval<Record<string, string>>(
        `Object.fromEntries([...document.querySelectorAll('#profile .event')].map((li) => [li.querySelector('.what').textContent, li.querySelector('.channel')?.textContent]))`,
      );
      expect(channels).to.include({ 'Product Viewed': 'web', 'Order Completed': 'store' });
      // Raw ids and JSON stay out of what the agent reads.
      const text = await console_.eval<string>(`document.querySelector('#profile').textContent`);
      expect(text).not.to.include(anonymousId);
      expect(text).not.to.match(/\[\s*"|=\s*\[/);
    } finally {
      await console_.close();
    }
  });
});
