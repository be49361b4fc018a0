// Chat across devices and tabs: the conversation follows the customer to a linked device and stays
// one conversation for the agent; a message typed offline arrives once; a reply sent while the tab
// was closed is there, counted unread; two tabs share one stream and one sound and both show it.
// Real Chromium, the real server and SQLite; the agent is the real agent API (./agent.ts).
import { expect } from '@open-wc/testing';
import { agent } from './agent.ts';
import { forgetDevice } from './device-storage.ts';
import { resetBackend, setDeviceOffline, stats, storedRecords, waitFor } from './helpers.ts';
import { identifyIn, pagePool } from './sdk.ts';
import { openWidget, type WidgetPage } from './widget-page.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const texts = async (page: WidgetPage) => (await page.shown()).map(([, text]) => text);
/** Waits until `page`'s panel shows exactly `expected` (texts, in order). */
const shows = (page: WidgetPage, expected: string[], timeout = 8000) =>
  waitFor(async () => JSON.stringify(await texts(page)) === JSON.stringify(expected), {
    timeout,
    message: `${page.id} shows ${JSON.stringify(expected)}`,
  });
/** Chat messages the server stores, all profiles. */
const storedMessages = async () =>
  (await storedRecords())
    .filter((r) => r.doc === 'chat' && r.key.startsWith('m:') && !r.deleted)
    .map((r) => (typeof r.value === 'string' ? JSON.parse(r.value) : r.value) as { text: string });

describe('chat', function () {
  this.timeout(60_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(async () => {
    await pool.closeAll();
    await forgetDevice();
  });

  it('continues on a second device after a verified sign-in; the agent sees one conversation', async () => {
    const phone = pool.keep(await openWidget());
    await phone.openPanel();
    await phone.send('Hello from my phone');
    await waitFor(async () => (await storedMessages()).length === 1);
    // Started anonymously; then the customer signs in on both devices.
    await identifyIn(phone, 'mei');
    const laptop = pool.keep(await openWidget());
    await identifyIn(laptop, 'mei');
    await laptop.openPanel();
    await shows(laptop, ['Hello from my phone']);
    await laptop.send('Now on my laptop');
    await shows(phone, ['Hello from my phone', 'Now on my laptop']);

    const list = await waitFor(async () => {
      const all = await agent.conversations();
      return all.length === 1 && all[0].lastMessage.text === 'Now on my laptop' && all;
    });
    expect(list[0].userId).to.equal('mei');
    const reply = await agent.reply({ profileId: list[0].profileId }, 'Hi Mei, how can I help?', 'Mia');
    await shows(phone, ['Hello from my phone', 'Now on my laptop', 'Hi Mei, how can I help?']);
    await shows(laptop, ['Hello from my phone', 'Now on my laptop', 'Hi Mei, how can I help?']);
    expect((await laptop.shown())[2]).to.deep.equal(['Mia', 'Hi Mei, how can I help?']);
    expect(reply.profileId).to.equal(list[0].profileId);
    expect(await agent.conversations()).to.have.length(1);
    expect((await agent.profile({ profileId: list[0].profileId })).messages).to.have.length(3);
  });

  it('delivers a message typed offline exactly once after reconnecting', async () => {
    const device = `chat-offline-${Math.random().toString(36).slice(2)}`;
    const phone = pool.keep(await openWidget({ device }));
    await phone.openPanel();
    await phone.send('first, online');
    await waitFor(async () => (await storedMessages()).length === 1);
    await setDeviceOffline(device, true);
    try {
      await phone.send('typed in the tunnel');
      await shows(phone, ['first, online', 'typed in the tunnel']); // shown at once
      await sleep(1000);
      expect((await storedMessages()).map((m) => m.text)).to.deep.equal(['first, online']);
    } finally {
      await setDeviceOffline(device, false);
    }
    await waitFor(async () => (await storedMessages()).length === 2, {
      message: 'delivered after reconnect',
    });
    // Retries, a reload and another sync change nothing: the message's key makes it one record.
    await phone.reload();
    await sleep(1500);
    const texts = (await storedMessages()).map((m) => m.text).sort();
    expect(texts).to.deep.equal(['first, online', 'typed in the tunnel']);
    const [conversation] = await agent.conversations();
    expect(
      (await agent.profile({ profileId: conversation.profileId })).messages.map((m) => m.text),
    ).to.deep.equal(['first, online', 'typed in the tunnel']);
  });

  it('shows a message as sending, in every tab, until the server has it', async () => {
    const a = pool.keep(await openWidget({}, { tab: true }));
    const b = pool.keep(await openWidget({}, { tab: true }));
    await a.openPanel();
    await b.openPanel();
    await a.send('first, online');
    await waitFor(async () => (await storedMessages()).length === 1);
    const notes = (expected: [string, string][], what: string) =>
      Promise.all(
        [a, b].map((tab) =>
          waitFor(async () => JSON.stringify(await tab.notes()) === JSON.stringify(expected), {
            message: `${tab.id} ${what}: ${JSON.stringify(expected)}`,
          }),
        ),
      );
    await notes([['first, online', '']], 'shows the first message delivered');
    for (const tab of [a, b]) await tab.block('/v1/sync');
    try {
      await a.send('typed in the tunnel');
      const sending: [string, string][] = [
        ['first, online', ''],
        ['typed in the tunnel', 'Sending…'],
      ];
      await notes(sending, 'shows it sending');
      await sleep(1000);
      for (const tab of [a, b]) expect(await tab.notes()).to.deep.equal(sending);
      expect((await storedMessages()).map((m) => m.text)).to.deep.equal(['first, online']);
    } finally {
      for (const tab of [a, b]) await tab.unblock('/v1/sync');
    }
    await notes(
      [
        ['first, online', ''],
        ['typed in the tunnel', ''],
      ],
      'shows it delivered',
    );
    expect((await storedMessages()).map((m) => m.text).sort()).to.deep.equal([
      'first, online',
      'typed in the tunnel',
    ]);
  });

  it('shows a message the server refuses as not delivered, after a reload too', async () => {
    const phone = pool.keep(await openWidget());
    await phone.openPanel();
    await phone.send('sent on time');
    await waitFor(async () => (await storedMessages()).length === 1);
    // The customer's clock runs two days fast: the server refuses a message dated in its future.
    await phone.eval(`{ const now = Date.now; Date.now = () => now() + 2 * 86_400_000; }`);
    await phone.send('sent from the future');
    const refused: [string, string][] = [
      ['sent on time', ''],
      ['sent from the future', 'Not delivered'],
    ];
    const showsRefused = () =>
      waitFor(async () => JSON.stringify(await phone.notes()) === JSON.stringify(refused), {
        message: `shows ${JSON.stringify(refused)}`,
      });
    await showsRefused();
    expect((await storedMessages()).map((m) => m.text)).to.deep.equal(['sent on time']);
    await phone.reload();
    await phone.openPanel();
    await showsRefused();
  });

  it('shows a reply sent while the tab was closed, counted unread, until the customer reads it', async () => {
    let tab = pool.keep(await openWidget({}, { tab: true }));
    await tab.openPanel();
    await tab.send('Is the blue one in stock?');
    await waitFor(async () => (await storedMessages()).length === 1);
    const anonymousId = await tab.anonymousId();
    await tab.close();
    await agent.reply({ anonymousId }, 'Yes, 3 left.', 'Mia');

    tab = pool.keep(await openWidget({}, { tab: true }));
    await waitFor(async () => (await tab.badge()) === 1, { message: 'the badge counts the reply' });
    expect(await tab.launcherLabel()).to.equal('Open chat, 1 unread');
    await tab.eval(`window.__unread = []; omnikit.widget.on('unread', (n) => __unread.push(n))`);
    await tab.openPanel();
    await shows(tab, ['Is the blue one in stock?', 'Yes, 3 left.']);
    await waitFor(async () => (await tab.badge()) === 0);
    expect(await tab.eval('__unread')).to.deep.equal([0]);
    // Read is synced: the read marker reached the server, so another device shows no badge.
    await waitFor(async () =>
      (await storedRecords()).some((r) => r.doc === 'chat' && r.key === 'read' && !r.deleted),
    );
  });

  it('two tabs: one stream, one sound, both show the reply and the agent typing', async () => {
    const a = pool.keep(await openWidget({}, { tab: true }));
    const b = pool.keep(await openWidget({}, { tab: true }));
    await a.openPanel();
    await b.openPanel();
    await a.send('Hello?');
    await shows(b, ['Hello?']);
    await waitFor(async () => (await stats()).streamsOpen === 1, { message: 'one stream for both tabs' });
    // Count the sounds each tab makes (the Web Audio calls the widget makes for its chime).
    for (const tab of [a, b])
      await tab.eval(`window.__beeps = 0;
        const make = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { __beeps++; return make.call(this); };`);
    for (const tab of [a, b])
      await tab.eval(
        `window.__messages = []; omnikit.widget.on('message', (m) => __messages.push(m.from + ': ' + m.text))`,
      );
    const anonymousId = await a.anonymousId();
    await agent.typing({ anonymousId }, true, 'Mia');
    for (const tab of [a, b])
      await waitFor(
        () =>
          tab.eval(
            `document.querySelector('omnikit-widget').shadowRoot.querySelector('.typing').textContent === 'Mia is typing…'`,
          ),
        { message: `${tab.id} shows the agent typing` },
      );
    await agent.reply({ anonymousId }, 'Hello! Mia here.', 'Mia');
    await shows(a, ['Hello?', 'Hello! Mia here.']);
    await shows(b, ['Hello?', 'Hello! Mia here.']);
    await sleep(500);
    const beeps = [await a.eval<number>('__beeps'), await b.eval<number>('__beeps')];
    expect(beeps[0] + beeps[1], `sounds per tab: ${beeps}`).to.equal(1);
    for (const tab of [a, b]) expect(await tab.eval('__messages')).to.deep.equal(['agent: Hello! Mia here.']);
    expect((await stats()).streamsOpen).to.equal(1);
  });

  it('tells the agent while the customer types, at most every 3 s', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    await page.send('hi'); // the conversation exists
    await waitFor(async () => (await storedMessages()).length === 1);
    await agent.openStream();
    try {
      await agent.streamEvents();
      for (const text of ['W', 'Wh', 'Whe', 'When'])
        await page.act('fill', 'omnikit-widget >> textarea', text);
      const typing = await waitFor(async () => {
        const events = (await agent.streamEvents()).filter((e) => e.event === 'typing');
        return events.length > 0 && events;
      });
      expect(typing.map((e) => e.data.typing)).to.deep.equal([true]);
    } finally {
      await agent.closeStream();
    }
  });

  it('renders an agent’s hostile text inert', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    await page.send('hi');
    await waitFor(async () => (await storedMessages()).length === 1);
    const hostile = '<img src=x onerror="window.__pwned=1"><a href="javascript:window.__pwned=2">open</a>';
    await agent.reply({ anonymousId: await page.anonymousId() }, hostile, '<b>Mia</b>');
    await shows(page, ['hi', hostile]);
    await page.act('click', 'omnikit-widget >> .log li.agent');
    expect(
      await page.eval(`(() => {
        const root = document.querySelector('omnikit-widget').shadowRoot;
        return [window.__pwned ?? null, root.querySelectorAll('.log img, .log a, .log b').length];
      })()`),
    ).to.deep.equal([null, 0]);
    expect((await page.shown())[1][0]).to.equal('<b>Mia</b>');
  });
});
