// My cart in store: the widget shows a code (a QR code and six characters) that staff at the till
// read from the customer's screen; with it they see the cart and complete the sale, and the cart
// empties on every device of the customer while the order joins their history.
import { expect } from '@open-wc/testing';
import { backend, resetBackend, stats, TEST_SERVER_KEY, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, pagePool } from './sdk.ts';
import { FAST, openWidget, withWidget } from './widget-page.ts';

const USER = 'mei';
const TEE = { productId: 'tee', name: 'Organic tee', price: 19.99, currency: 'EUR' };
const MUG = { productId: 'mug', name: 'Mug', price: 8.5, currency: 'EUR' };

/** The till: a call of the store API by the shop's own systems (the server key). */
async function till(path: 'lookup' | 'sales', body: unknown): Promise<Response> {
  return fetch(`${backend.url}/v1/store/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_SERVER_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const inPanel = (page: ClientPage, expression: string) =>
  page.eval<string>(
    `(() => { const root = document.querySelector('omnikit-widget').shadowRoot; return ${expression}; })()`,
  );

describe('my cart in store', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows a code staff scan; the sale empties the cart on both devices within 2 s', async () => {
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

    // Staff scan it from the screen: the picture's QR code holds the same code.
    const scanned = await phone.readQr('omnikit-widget >> .store svg.qr');
    expect(scanned).to.equal(`omnikit-store:${shown}`);
    const lookup = await till('lookup', { code: scanned });
    expect(lookup.status, await lookup.clone().text()).to.equal(200);
    const view = await lookup.json();
    expect(view.userId).to.equal(USER);
    expect(
      view.cart.map((line: { productId: string; qty: number }) => [line.productId, line.qty]),
    ).to.deep.equal([
      ['mug', 1],
      ['tee', 3],
    ]);

    // A code typed from the screen works too; the sale empties the cart everywhere, live.
    const sale = await till('sales', { code: shown.toLowerCase(), orderId: 'till-0042' });
    const sold = Date.now();
    expect(sale.status, await sale.clone().text()).to.equal(201);
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
