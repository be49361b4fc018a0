// What the shop's systems own, on the customer's devices: an order's status and the loyalty balance,
// written with the server key (as a POS or an order system would), show on both signed-in devices
// within a second through `omnikit.orders` and `omnikit.loyalty`, and a reload keeps them.
import { expect } from '@open-wc/testing';
import { backend, resetBackend, stats, TEST_SERVER_KEY, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';
import { openWidget } from './widget-page.ts';

const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };
const USER = 'mei';

/** The shop's server: a write with the server key. */
async function shopWrites(what: 'orders' | 'loyalty', body: unknown): Promise<void> {
  const answer = await fetch(`${backend.url}/v1/profiles/${USER}/${what}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_SERVER_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.status, await answer.clone().text()).to.equal(200);
}

/** `[id, status]` of each order the page's client holds, and what its subscription heard last. */
const ordersOf = (page: ClientPage) =>
  page.eval<{ list: [string, string][]; heard: [string, string][] }>(`({
    list: omnikit.orders.list().map((o) => [o.id, o.status]),
    heard: (window.__heard ?? []).map((o) => [o.id, o.status]),
  })`);

describe('orders and loyalty from the shop’s systems', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows an order’s status and the points on both signed-in devices within a second', async () => {
    const devices = [await pool.open(FAST), await pool.open(FAST)];
    for (const device of devices) {
      await identifyIn(device, USER);
      await device.eval(`omnikit.orders.subscribe((orders) => (window.__heard = orders));
        omnikit.loyalty.subscribe((balance) => (window.__points = balance?.points))`);
    }
    // Both linked to mei, each listening on its stream.
    await waitFor(async () => (await stats()).streamsOpen === 2, { message: 'two streams open' });

    const order = {
      id: 'o-1001',
      status: 'paid',
      items: [{ name: 'Tee', quantity: 1 }],
      total: 19.9,
      currency: 'EUR',
    };
    await shopWrites('orders', order);
    const written = Date.now();
    for (const device of devices)
      await waitFor(async () => (await ordersOf(device)).heard.some(([, status]) => status === 'paid'), {
        timeout: 1000,
        interval: 20,
        message: `${device.id} shows the order paid`,
      });
    expect(Date.now() - written).to.be.below(1000);

    await shopWrites('orders', { ...order, status: 'ready_for_pickup' });
    await shopWrites('loyalty', { points: 120, tier: 'gold' });
    for (const device of devices) {
      await waitFor(async () => (await ordersOf(device)).list[0]?.[1] === 'ready_for_pickup', {
        timeout: 1000,
      });
      await waitFor(() => device.eval<boolean>('window.__points === 120'), { timeout: 1000 });
      expect(await device.eval('omnikit.loyalty.get().tier')).to.equal('gold');
    }

    // Kept on the device: a reload shows them before any sync.
    const [phone] = devices;
    await phone.reload();
    await waitFor(async () => (await ordersOf(phone)).list.length === 1);
    expect((await ordersOf(phone)).list).to.deep.equal([['o-1001', 'ready_for_pickup']]);
  });

  it('shows the orders and the points in the widget, live, in the customer’s language', async () => {
    const page = pool.keep(await openWidget({ ...FAST, widget: JSON.stringify({ lang: 'zh-Hant' }) }));
    await identifyIn(page, USER);
    await waitFor(async () => (await stats()).streamsOpen === 1, { message: 'the stream open' });
    await shopWrites('orders', { id: 'o-1001', status: 'placed', total: 1280, currency: 'TWD' });
    await shopWrites('loyalty', { points: 120, tier: 'gold' });
    await page.openPanel();
    const inPanel = (expression: string) =>
      page.eval<string>(
        `(() => { const root = document.querySelector('omnikit-widget').shadowRoot; return ${expression}; })()`,
      );
    await waitFor(
      async () =>
        (await inPanel(`[...root.querySelectorAll('nav button')].map((b) => b.textContent).join()`)).includes(
          '訂單',
        ),
      {
        message: 'an Orders section',
      },
    );
    await page.act('click', 'omnikit-widget >> nav button:has-text("訂單")');
    const shown = () => inPanel(`root.querySelector('.body').textContent`);
    await waitFor(async () => (await shown()).includes('訂單 o-1001已下單'), {
      message: 'the order, placed',
    });
    expect(await shown()).to.include('120 點 · gold');
    expect(await shown()).to.match(/\$1,280\.00/); // NT$ in Traditional Chinese
    await shopWrites('orders', { id: 'o-1001', status: 'ready_for_pickup', total: 1280, currency: 'TWD' });
    await waitFor(async () => (await shown()).includes('可取貨'), {
      timeout: 1000,
      message: 'ready for pickup, live',
    });
  });
});
