// Issue 5: the widget in a page. The launcher (in the core) shows only when configured, fetches the
// panel chunk, and the panel sends chat messages into the synced `chat` document; hostile text
// stays text.
import { expect } from '@open-wc/testing';
import { resetBackend, storedRecords, waitFor } from './helpers.ts';
import { openClient, pagePool } from './sdk.ts';
import { FAST, openWidget, type WidgetPage, withWidget } from './widget-page.ts';

type Message = { text: string; from: string };
const chatOf = async () =>
  (await storedRecords())
    .filter((r) => r.doc === 'chat' && r.key.startsWith('m:') && !r.deleted)
    .map((r) => {
      const { text, from } = (typeof r.value === 'string' ? JSON.parse(r.value) : r.value) as Message;
      return { text, from };
    });

describe('widget', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows no launcher without `widget` in the config', async () => {
    const page = pool.keep(await openClient(FAST));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await page.eval(`!!document.querySelector('omnikit-widget')`)).to.equal(false);
    // The API is there all the same, and never throws.
    await page.eval('omnikit.widget.close()');
  });

  it('shows a labelled launcher, opens the panel, and a message reaches the server once', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    expect(await page.launcherLabel()).to.equal('Open chat');
    await page.send('Where is my order?');
    await waitFor(async () => (await page.shown()).length === 1);
    expect(await page.shown()).to.deep.equal([['You', 'Where is my order?']]);
    await waitFor(async () => (await chatOf()).length === 1, { message: 'the server has the message' });
    expect(await chatOf()).to.deep.equal([{ text: 'Where is my order?', from: 'customer' }]);
    expect(await page.errors()).to.deep.equal([]);
  });

  it('renders hostile message text inert: no element, no link, no script runs', async () => {
    const page: WidgetPage = pool.keep(await openWidget());
    await page.openPanel();
    const hostile = [
      '<img src=x onerror="window.__pwned = 1">',
      '[click me](javascript:window.__pwned=2) javascript:window.__pwned=3',
      '<script>window.__pwned = 4</script><a href="javascript:window.__pwned=5">x</a>',
    ];
    for (const text of hostile) await page.send(text);
    await waitFor(async () => (await page.shown()).length === 3);
    expect((await page.shown()).map(([, t]) => t)).to.deep.equal(hostile);
    await page.act('click', 'omnikit-widget >> .log li');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      await page.eval(`(() => {
        const root = document.querySelector('omnikit-widget').shadowRoot;
        return { pwned: window.__pwned ?? null, img: root.querySelectorAll('img, script, .log a').length };
      })()`),
    ).to.deep.equal({ pwned: null, img: 0 });
  });

  it('opens and closes from the API, with events, and Escape gives focus back to the launcher', async () => {
    const page = withWidget(pool.keep(await openClient({ ...FAST, widget: true })));
    await page.eval(`window.__opens = []; omnikit.widget.on('open', (o) => __opens.push(o))`);
    await page.eval('omnikit.widget.open()');
    await waitFor(() =>
      page.eval(`document.querySelector('omnikit-widget').shadowRoot.activeElement?.tagName`),
    );
    expect(
      await page.eval(`document.querySelector('omnikit-widget').shadowRoot.activeElement.tagName`),
    ).to.equal('TEXTAREA');
    await page.eval(
      `document.querySelector('omnikit-widget').shadowRoot.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))`,
    );
    await waitFor(() => page.eval(`__opens.length === 2`));
    expect(await page.eval('__opens')).to.deep.equal([true, false]);
    expect(
      await page.eval(
        `document.querySelector('omnikit-widget').shadowRoot.activeElement?.getAttribute('aria-expanded')`,
      ),
    ).to.equal('false');
  });
});
