// The widget in a page. The launcher (in the core) shows only when configured, fetches the
// panel chunk, and the panel sends chat messages into the synced `chat` document; hostile text
// stays text.
import { expect } from '@open-wc/testing';
import { resetBackend, storedRecords, waitFor } from './helpers.ts';
import { identifyIn, openClient, pagePool } from './sdk.ts';
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

  it('shows a guest the phone code, and tells a signed-in customer to sign in on the phone instead', async () => {
    const phoneSection = async (page: WidgetPage) => {
      await page.openPanel();
      await page.act('click', 'omnikit-widget >> nav button:nth-child(3)');
      await page.act('click', 'omnikit-widget >> .body button');
      const inPanel = (selector: string) =>
        `document.querySelector('omnikit-widget').shadowRoot.querySelector(${JSON.stringify(selector)})`;
      return waitFor(() =>
        page.eval<{ qr: boolean; note: string; button: boolean } | false>(`(() => {
          const qr = !!${inPanel('svg.qr')}, note = ${inPanel('.body .note')}?.textContent ?? '';
          return (qr || note) && { qr, note, button: !!${inPanel('.body button')} };
        })()`),
      );
    };
    const guest = pool.keep(await openWidget());
    expect(await phoneSection(guest)).to.deep.equal({ qr: true, note: '', button: false });

    const customer = pool.keep(await openWidget());
    await identifyIn(customer, 'mei');
    await waitFor(
      () => customer.eval(`omnikit.handoff.create().then((made) => made.problem === 'signed_in')`),
      {
        message: 'the device is linked to mei',
      },
    );
    // Said in the panel's words, with nothing to press again: retrying would never work.
    expect(await phoneSection(customer)).to.deep.equal({
      qr: false,
      note: 'You are signed in here. Sign in on your phone with the same account: your cart and chat are there.',
      button: false,
    });
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

  const rect = (page: WidgetPage, selector: string) =>
    page.eval<{ left: number; top: number; right: number; bottom: number }>(
      `(() => { const r = document.querySelector('omnikit-widget').shadowRoot.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })()`,
    );

  it('sits at the end side (left on a right-to-left page), and fills a phone screen', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    await page.screenshot('desktop');
    const width = await page.eval<number>('innerWidth');
    expect((await rect(page, '.l')).right).to.equal(width - 20);
    expect((await rect(page, '.panel')).right).to.equal(width - 20);
    await page.eval(`document.documentElement.dir = 'rtl'`);
    await waitFor(async () => (await rect(page, '.l')).left === 20);
    expect((await rect(page, '.panel')).left).to.equal(20);
    await page.screenshot('rtl');
    await page.eval(`document.documentElement.dir = 'ltr'`);
    await page.viewport(375, 667);
    await waitFor(
      async () =>
        JSON.stringify(await rect(page, '.panel')) ===
        JSON.stringify({ left: 0, top: 0, right: 375, bottom: 667 }),
      {
        message: 'full screen on a phone',
      },
    );
    await page.screenshot('phone');
  });

  it('asks the pre-chat fields before the first message, and sends them with it', async () => {
    const fields = [
      { name: 'email', label: 'E-mail', type: 'email', required: true },
      { name: 'order', label: 'Order number' },
    ];
    const page = pool.keep(await openWidget({ widget: JSON.stringify({ fields }) }));
    await page.openPanel();
    await page.send('My parcel is late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await page.shown(), 'the required e-mail is missing').to.deep.equal([]);
    await page.act('fill', 'omnikit-widget >> input[name=email]', 'mei@example.com');
    await page.act('fill', 'omnikit-widget >> input[name=order]', 'o-42');
    await page.act('click', 'omnikit-widget >> button.send');
    await waitFor(async () => (await page.shown()).length === 1);
    expect(
      await page.eval(
        `!!document.querySelector('omnikit-widget').shadowRoot.querySelector('input[name=email]')`,
      ),
    ).to.equal(false);
    const stored = await waitFor(async () => {
      const r = (await storedRecords()).find((x) => x.doc === 'chat' && x.key.startsWith('m:'));
      return r && (typeof r.value === 'string' ? JSON.parse(r.value) : r.value);
    });
    expect(stored.fields).to.deep.equal({ email: 'mei@example.com', order: 'o-42' });
  });

  it('shows the away message outside opening hours, and still takes messages', async () => {
    const now = new Date();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    // Open hours that end an hour ago, every day, in the customer's zone.
    const closed = { days: [0, 1, 2, 3, 4, 5, 6], from: hh(now.getHours() - 3), to: hh(now.getHours() - 1) };
    const page = pool.keep(
      await openWidget({ widget: JSON.stringify({ hours: closed, away: 'Back at 9.' }) }),
    );
    await page.openPanel();
    expect(
      await page.eval(
        `document.querySelector('omnikit-widget').shadowRoot.querySelector('.note')?.textContent`,
      ),
    ).to.equal('Back at 9.');
    await page.send('Hello?');
    await waitFor(async () => (await page.shown()).length === 1);
    const open = { days: [0, 1, 2, 3, 4, 5, 6], from: hh(now.getHours() - 1), to: hh(now.getHours() + 2) };
    const other = pool.keep(
      await openWidget({ widget: JSON.stringify({ hours: open, away: 'Back at 9.' }) }),
    );
    await other.openPanel();
    expect(
      await other.eval(`document.querySelector('omnikit-widget').shadowRoot.querySelector('.note')`),
    ).to.equal(null);
  });

  it('shows the synced cart: quantities change it, the total follows, the merge notice shows', async () => {
    const page = pool.keep(await openWidget());
    await page.eval(
      `omnikit.cart.add({ productId: 'tee', name: 'Organic tee', price: 29, currency: 'EUR', quantity: 2 })`,
    );
    await page.eval(`omnikit.cart.add({ productId: 'cap', name: 'Cap', price: 12.5, currency: 'EUR' })`);
    await page.openPanel();
    await page.act('click', 'omnikit-widget >> nav button:nth-child(2)');
    const total = () =>
      page.eval<string>(
        `document.querySelector('omnikit-widget').shadowRoot.querySelector('.total span:last-child').textContent`,
      );
    expect(await total()).to.equal('€70.50');
    await page.act('fill', 'omnikit-widget >> input[aria-label="Quantity of Organic tee"]', '3');
    await page.act('press', 'omnikit-widget >> input[aria-label="Quantity of Organic tee"]', 'Enter');
    await waitFor(async () => (await total()) === '€99.50');
    expect(await page.eval(`omnikit.cart.items().find((l) => l.productId === 'tee').quantity`)).to.equal(3);
    await page.act('click', 'omnikit-widget >> button[aria-label="Remove Cap"]');
    await waitFor(async () => (await total()) === '€87.00');
    // Another device of the same customer had a cart: signing in merges it, and the panel says so.
    const other = pool.keep(await openWidget());
    await other.eval(`omnikit.cart.add({ productId: 'sock', name: 'Socks', price: 5, currency: 'EUR' })`);
    await identifyIn(other, 'mei');
    await waitFor(() => other.eval(`omnikit.cart.items().length === 1`));
    await identifyIn(page, 'mei');
    await waitFor(
      () => page.eval(`!!document.querySelector('omnikit-widget').shadowRoot.querySelector('.body .note')`),
      {
        message: 'the merge notice',
      },
    );
    await waitFor(async () => (await total()) === '€92.00');
    await page.screenshot('cart');
  });

  it('sends with Enter, keeps Shift+Enter as a new line, from the keyboard alone', async () => {
    const page = pool.keep(await openWidget());
    await page.openPanel();
    await page.act('press', 'omnikit-widget >> textarea', 'H');
    await page.act('press', 'omnikit-widget >> textarea', 'i');
    await page.act('press', 'omnikit-widget >> textarea', 'Shift+Enter');
    await page.act('press', 'omnikit-widget >> textarea', 'x');
    await page.act('press', 'omnikit-widget >> textarea', 'Enter');
    await waitFor(async () => (await page.shown()).length === 1);
    expect(await page.shown()).to.deep.equal([['You', 'Hi\nx']]);
    expect(
      await page.eval(`document.querySelector('omnikit-widget').shadowRoot.querySelector('textarea').value`),
    ).to.equal('');
  });
});
