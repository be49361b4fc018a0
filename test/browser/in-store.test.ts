// My cart in store: the widget shows a code (a QR code and six characters); an associate at the till
// scans it from a picture of the customer's screen in the backend's console, sees the cart and
// completes the sale, and the cart empties on every device of the customer while the order joins
// their history.
import { expect } from '@open-wc/testing';
import { signInToConsole } from './console-page.ts';
import { backend, openDevice, resetBackend, stats, type Tab, TEST_STORE_LOGIN, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, pagePool } from './sdk.ts';
import { FAST, openWidget, withWidget } from './widget-page.ts';

const USER = 'mei';
const TEE = { productId: 'tee', name: 'Organic tee', price: 19.99, currency: 'EUR' };
const MUG = { productId: 'mug', name: 'Mug', price: 8.5, currency: 'EUR' };

const inPanel = (page: ClientPage, expression: string) =>
  page.eval<string>(
    `(() => { const root = document.querySelector('omnikit-widget').shadowRoot; return ${expression}; })()`,
  );

/** The backend's console at the till, in a browser of its own, signed in as the associate. */
async function openTill(): Promise<Tab> {
  const till = await signInToConsole(await openDevice(`${backend.url}/console`), TEST_STORE_LOGIN);
  await waitFor(() => till.eval<boolean>(`!document.getElementById('store-panel').hidden`), {
    message: 'the associate gets the store view',
  });
  return till;
}

describe('my cart in store', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('an associate scans the code; the sale empties the cart on both devices within 2 s', async () => {
    const phone = pool.keep(
      withWidget(await pool.open({ ...FAST, widget: JSON.stringify({ inStore: true }) })),
    );
    const laptop = await pool.open(FAST);
    for (const device of [phone, laptop]) await identifyIn(device, USER);
    await phone.eval(`omnikit.cart.add(${JSON.stringify({ ...TEE, quantity: 3 })});
      omnikit.cart.add(${JSON.stringify({ ...MUG, quantity: 1 })})`);
    await waitFor(async () => (await cartOf(laptop)).length === 2, { message: 'the laptop has the cart' });
    await waitFor(async () => (await stats()).streamsOpen === 2, { message: 'both streams open' });

    // The customer shows the code at the till.
    await phone.openPanel();
    await phone.act('click', 'omnikit-widget >> nav button:has-text("Cart")');
    await phone.act('click', 'omnikit-widget >> button:has-text("Show my cart in store")');
    await waitFor(() => inPanel(phone, `!!root.querySelector('.store svg.qr')`), { message: 'the QR code' });
    const shown = (await inPanel(phone, `root.querySelector('.store .code').textContent`)).replace(' ', '');
    expect(shown).to.match(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);

    // The associate scans it: a picture of the phone's screen, decoded in the console.
    const till = pool.keep(await openTill());
    await till.upload('#store-photo', await phone.picture('omnikit-widget >> .store svg.qr'));
    await waitFor(() => till.eval<boolean>(`!document.getElementById('store-view').hidden`), {
      message: 'the console shows the customer',
    });
    expect(await till.eval('document.getElementById("store-code").value')).to.equal(shown);
    // Chromium on Linux has no BarcodeDetector: the console fetched jsQR from the server instead.
    const decoder = await till.eval(`'BarcodeDetector' in window ? 'BarcodeDetector' : typeof window.jsQR`);
    expect(decoder).to.be.oneOf(['BarcodeDetector', 'function']);
    expect(await till.eval('document.getElementById("store-customer").textContent')).to.equal(USER);
    expect(
      await till.eval(`[...document.querySelectorAll('#store-cart .item')].map((item) => item.textContent)`),
    ).to.deep.equal(['1 × Mug', '3 × Organic tee']);

    // The sale, at the till: the cart empties everywhere, live, and the order is in the history.
    await till.act('fill', '#store-order', 'till-0042');
    await till.act('click', '#store-sale button[type=submit]');
    const sold = Date.now();
    await waitFor(() => till.eval<boolean>(`!document.getElementById('store-done').hidden`), {
      message: 'the console says the sale is done',
    });
    for (const device of [phone, laptop]) {
      await waitFor(async () => (await cartOf(device)).length === 0, {
        timeout: 2000,
        interval: 20,
        message: `${device.id}: the cart empty`,
      });
      await waitFor(() => device.eval<boolean>(`omnikit.orders.get('till-0042')?.status === 'completed'`), {
        timeout: 2000,
        interval: 20,
        message: `${device.id}: the order in the history`,
      });
    }
    expect(Date.now() - sold).to.be.below(2000);
    expect(await laptop.eval(`omnikit.orders.get('till-0042').channel`)).to.equal('store');
    expect(await laptop.eval(`omnikit.orders.get('till-0042').total`)).to.equal(68.47);
    expect(await till.eval('document.getElementById("store-done").textContent')).to.include('till-0042');

    // Used once: the same code again says so, in words.
    await till.act('fill', '#store-code', shown);
    await till.act('click', '#store-lookup button[type=submit]');
    await waitFor(() => till.eval<boolean>(`!document.getElementById('store-error').hidden`), {
      message: 'the console refuses the used code',
    });
    expect(await till.eval('document.getElementById("store-error").textContent')).to.include('used');
  });

  it('is offered only where the shop turned it on, in the customer’s language', async () => {
    const plain = pool.keep(await openWidget());
    await plain.eval(`omnikit.cart.add(${JSON.stringify({ ...TEE, quantity: 1 })})`);
    await plain.openPanel();
    await plain.act('click', 'omnikit-widget >> nav button:has-text("Cart")');
    expect(await inPanel(plain, `!!root.querySelector('.store')`)).to.equal(false);

    const zh = pool.keep(await openWidget({ widget: JSON.stringify({ inStore: true, lang: 'zh-Hant' }) }));
    await zh.eval(`omnikit.cart.add(${JSON.stringify({ ...TEE, quantity: 1 })})`);
    await zh.openPanel();
    await zh.act('click', 'omnikit-widget >> nav button:has-text("購物車")');
    await zh.act('click', 'omnikit-widget >> button:has-text("在門市出示購物車")');
    await waitFor(() => inPanel(zh, `!!root.querySelector('.store svg.qr')`), { message: 'the QR code' });
    expect(await inPanel(zh, `root.querySelector('.store p').textContent`)).to.include('10 分鐘');
  });
});
