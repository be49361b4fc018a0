// The agent console's safe text: hostile text from a customer (and a hostile name or reply)
// renders inert in the demo's agent console (demo/agent.html), opened in a real tab that calls the
// real agent API through the same /agent-api proxy the demo server has (web-test-runner.config.mjs).
import { expect } from '@open-wc/testing';
import { createServerEvents } from '../../src/server-events.ts';
import { agent } from './agent.ts';
import {
  backend,
  openTab,
  resetBackend,
  storedEvents,
  type Tab,
  TEST_SERVER_KEY,
  waitFor,
} from './helpers.ts';
import { pagePool } from './sdk.ts';
import { openWidget } from './widget-page.ts';

const HOSTILE = `<img src=x onerror="window.top.pwned=1"><a href="javascript:window.top.pwned=2">click</a>`;

/** Elements the hostile text would have made, had it been parsed as HTML. */
const injected = (tab: Tab) =>
  tab.eval<number>(
    `document.querySelectorAll('main img, main a[href^="javascript"], main script, main iframe').length`,
  );

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

    const console_ = await openTab('/demo/agent.html');
    try {
      await waitFor(() => console_.eval<boolean>(`!!document.querySelector('#conversations button')`), {
        message: 'the console lists the conversation',
      });
      await console_.act('click', '#conversations button');
      await waitFor(() => console_.eval<boolean>(`document.querySelectorAll('#messages li').length === 2`), {
        message: 'the console shows both messages',
      });
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

    const console_ = await openTab('/demo/agent.html');
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
});
