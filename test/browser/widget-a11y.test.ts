// The widget's accessibility: axe-core finds no violation in the open panel (chat with messages, cart with
// a line, the QR code), in English, Traditional and Simplified Chinese; every control has a label.
import { expect } from '@open-wc/testing';
import { agent } from './agent.ts';
import { resetBackend, waitFor } from './helpers.ts';
import { pagePool } from './sdk.ts';
import { openWidget, type WidgetPage } from './widget-page.ts';

/** Runs axe-core (from node_modules) in the page, on the widget only. */
async function axe(page: WidgetPage): Promise<string[]> {
  await page.eval(`window.axe ? true : new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/node_modules/axe-core/axe.min.js';
    s.onload = () => resolve(true);
    s.onerror = reject;
    document.head.append(s);
  })`);
  return page.eval<string[]>(`axe.run({ include: [['omnikit-widget']] }).then((r) => r.violations.map((v) =>
    v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
}

const section = (page: WidgetPage, n: number) =>
  page.act('click', `omnikit-widget >> nav button:nth-child(${n})`);

describe('widget accessibility', function () {
  this.timeout(60_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  for (const [lang, title, send] of [
    ['en', 'Chat with us', 'Send'],
    ['zh-Hant', '與我們聊聊', '傳送'],
    ['zh-Hans', '与我们聊聊', '发送'],
  ]) {
    it(`has no axe violation with the panel open, in ${lang}`, async () => {
      const page = await openWidget({
        widget: JSON.stringify({ lang, fields: [{ name: 'email', label: 'E-mail', type: 'email' }] }),
      });
      pool.keep(page);
      await page.eval(
        `omnikit.cart.add({ productId: 'tee', name: 'Organic tee', price: 29, currency: 'EUR', quantity: 2 })`,
      );
      await page.openPanel();
      expect(
        await page.eval(
          `document.querySelector('omnikit-widget').shadowRoot.querySelector('h2').textContent`,
        ),
      ).to.equal(title);
      expect(
        await page.eval(`document.querySelector('omnikit-widget').shadowRoot.querySelector('.panel').lang`),
      ).to.equal(lang);
      expect(
        await page.eval(
          `document.querySelector('omnikit-widget').shadowRoot.querySelector('button.send').textContent`,
        ),
      ).to.equal(send);
      expect(await axe(page), 'chat, before the first message').to.deep.equal([]);
      await page.send('Hello');
      await agent.reply({ anonymousId: await page.anonymousId() }, 'Hi there', 'Mia');
      await waitFor(async () => (await page.shown()).length === 2);
      expect(await axe(page), 'chat').to.deep.equal([]);
      await section(page, 2);
      await waitFor(() =>
        page.eval(`!!document.querySelector('omnikit-widget').shadowRoot.querySelector('.lines input')`),
      );
      expect(await axe(page), 'cart').to.deep.equal([]);
      await section(page, 3);
      await page.act('click', 'omnikit-widget >> .body button');
      await waitFor(() =>
        page.eval(`!!document.querySelector('omnikit-widget').shadowRoot.querySelector('svg.qr')`),
      );
      expect(await axe(page), 'continue on your phone').to.deep.equal([]);
    });
  }

  it('keeps Tab inside the open panel', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    const focused = () =>
      page.eval<string>(
        `(() => { const a = document.querySelector('omnikit-widget').shadowRoot.activeElement; return a ? a.tagName + (a.getAttribute('aria-label') ?? a.textContent) : 'none'; })()`,
      );
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.act('press', 'omnikit-widget >> :focus', i % 5 === 4 ? 'Shift+Tab' : 'Tab');
      seen.add(await focused());
    }
    expect([...seen].every((f) => f !== 'none')).to.equal(true);
  });
});
