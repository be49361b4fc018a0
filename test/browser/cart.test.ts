// The cart: what a shop builds its cart page on, through the public API
// (`omnikit.cart`) in real pages, against the real backend.
import { expect } from '@open-wc/testing';
import { resetBackend, stats, storedEvents, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, pagePool, wrap } from './sdk.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { flushInterval: 50 };
const js = JSON.stringify;

const RUNNER = {
  productId: 'runner',
  variantId: 'runner-42-red',
  name: 'Runner',
  price: 59.9,
  currency: 'EUR',
  options: { size: '42', color: 'Red' },
};
const TEE = { productId: 'tee', name: 'Tee', price: 19.95, currency: 'EUR' };
const RUNNER_LINE = 'runner-42-red|color=red;size=42';

/** `omnikit.cart.add(product)` in the page; answers the line id. */
const add = (page: ClientPage, product: object) =>
  page.eval<string | undefined>(`omnikit.cart.add(${js(product)})`);

/** Deletes the documents the test's own context keeps, so tabs start with an empty cart. */
const deleteDocs = () =>
  new Promise((resolve) => {
    const request = indexedDB.deleteDatabase('omnikit-docs-test-key');
    request.onsuccess = request.onerror = request.onblocked = resolve;
  });

describe('the cart', () => {
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('adds, updates, removes and clears lines, totals them, and tells subscribers after every change', async () => {
    const shop = await pool.open(FAST);
    await shop.eval(`window.__seen = [];
      window.__off = omnikit.cart.subscribe((lines) => __seen.push(lines.map((l) => [l.id, l.quantity])))`);
    const seen = () => shop.eval<[string, number][][]>('__seen.splice(0)');

    const runner = await add(shop, { ...RUNNER, quantity: 2 });
    expect(runner).to.equal(RUNNER_LINE);
    const tee = await add(shop, TEE);
    expect(tee).to.equal('tee|');
    expect(await shop.eval('omnikit.cart.items()')).to.deep.equal([
      { ...RUNNER, id: RUNNER_LINE, quantity: 2 },
      { ...TEE, id: 'tee|', quantity: 1 },
    ]);
    expect(await shop.eval('omnikit.cart.total()')).to.deep.equal({
      quantity: 3,
      amount: 139.75, // 2 × 59.90 + 19.95, rounded to cents
      currency: 'EUR',
    });
    expect(await seen()).to.deep.equal([
      [[RUNNER_LINE, 2]],
      [
        [RUNNER_LINE, 2],
        ['tee|', 1],
      ],
    ]);

    await shop.eval(`omnikit.cart.update(${js(runner)}, 5)`);
    expect(await cartOf(shop)).to.deep.equal([
      [RUNNER_LINE, 5],
      ['tee|', 1],
    ]);
    expect((await shop.eval<{ amount: number }>('omnikit.cart.total()')).amount).to.equal(319.45);
    await shop.eval(`omnikit.cart.update(${js(tee)}, 0)`); // 0 removes the line
    expect(await cartOf(shop)).to.deep.equal([[RUNNER_LINE, 5]]);
    await shop.eval(`omnikit.cart.remove(${js(runner)})`);
    expect(await cartOf(shop)).to.deep.equal([]);
    expect(await seen()).to.deep.equal([
      [
        [RUNNER_LINE, 5],
        ['tee|', 1],
      ],
      [[RUNNER_LINE, 5]],
      [],
    ]);

    await add(shop, RUNNER);
    await add(shop, TEE);
    await seen();
    await shop.eval('omnikit.cart.clear()');
    expect(await cartOf(shop)).to.deep.equal([]);
    expect(await shop.eval('omnikit.cart.total()')).to.deep.equal({ quantity: 0, amount: 0 });
    expect((await seen()).at(-1)).to.deep.equal([]);

    // Unsubscribed: no more calls.
    await shop.eval('__off()');
    await add(shop, TEE);
    expect(await seen()).to.deep.equal([]);
    expect(await shop.errors()).to.deep.equal([]);
  });

  it('keeps one line for the same variant and options, whatever their order, case or spacing', async () => {
    const shop = await pool.open(FAST);
    const a = await add(shop, { ...TEE, variantId: 'tee-m', options: { Size: 'M', Color: 'Red' } });
    const b = await add(shop, {
      ...TEE,
      variantId: 'tee-m',
      options: { color: ' red', size: 'm ' },
      quantity: 2,
    });
    expect(b).to.equal(a);
    // A different option, or another variant, is another line.
    const c = await add(shop, { ...TEE, variantId: 'tee-m', options: { size: 'M', color: 'Blue' } });
    const d = await add(shop, { ...TEE, variantId: 'tee-l', options: { size: 'M', color: 'Red' } });
    expect(new Set([a, c, d]).size).to.equal(3);
    expect(await cartOf(shop)).to.deep.equal(
      [
        [a, 3],
        [c, 1],
        [d, 1],
      ].sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
    );
    expect((await shop.eval<{ quantity: number }>('omnikit.cart.total()')).quantity).to.equal(5);
  });

  it('refuses bad input with an invalid_argument error, never a throw, and leaves the cart as it was', async () => {
    const shop = await pool.open(FAST);
    const id = await add(shop, { ...TEE, quantity: 2 });
    const bad: [string, string][] = [
      ['add()', 'omnikit.cart.add()'],
      ['add(null)', 'omnikit.cart.add(null)'],
      ['add("tee")', 'omnikit.cart.add("tee")'],
      ['add without productId', `omnikit.cart.add({ name: 'Tee', price: 1 })`],
      ['add without name', `omnikit.cart.add({ productId: 'tee', price: 1 })`],
      ['add with an empty productId', `omnikit.cart.add({ productId: '', name: 'Tee', price: 1 })`],
      ['add with a negative price', `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: -1 })`],
      ['add with NaN price', `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: NaN })`],
      ['add with a string price', `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: '19.95' })`],
      ['add with a null price', `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: null })`],
      ['add with an infinite price', `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: Infinity })`],
      ['add 1.5 of it', `omnikit.cart.add({ ...${js(TEE)}, quantity: 1.5 })`],
      ['add -1 of it', `omnikit.cart.add({ ...${js(TEE)}, quantity: -1 })`],
      ['add "2" of it', `omnikit.cart.add({ ...${js(TEE)}, quantity: '2' })`],
      ['update an unknown line', `omnikit.cart.update('nope|', 1)`],
      ['update to -2', `omnikit.cart.update(${js(id)}, -2)`],
      ['update to 2.5', `omnikit.cart.update(${js(id)}, 2.5)`],
      ['update to "3"', `omnikit.cart.update(${js(id)}, '3')`],
    ];
    const outcomes = await shop.eval<
      { call: string; threw?: string; answer?: unknown; errors: string[] }[]
    >(`(() => {
      const outcomes = [];
      for (const [call, code] of ${js(bad)}) {
        const before = __errors.length;
        const outcome = { call };
        try {
          outcome.answer = eval(code);
        } catch (error) {
          outcome.threw = String(error);
        }
        outcome.errors = __errors.slice(before).map((e) => e.code);
        outcomes.push(outcome);
      }
      return outcomes;
    })()`);
    await sleep(100); // an error reported late would show up by now
    const expected = bad.map(([call]) => ({ call, errors: ['invalid_argument'] }));
    expect(
      outcomes.map(({ call, threw, errors }) => ({ call, ...(threw && { threw }), errors })),
    ).to.deep.equal(expected);
    expect(outcomes.filter((o) => o.answer !== undefined).map((o) => o.call)).to.deep.equal([]);
    expect(await shop.eval('omnikit.cart.items()')).to.deep.equal([{ ...TEE, id: 'tee|', quantity: 2 }]);
  });

  it('refuses a line over 16 KB: no line id, no Product Added; the next line is added and tracked', async () => {
    const shop = await pool.open(FAST);
    const anonymousId = await shop.anonymousId();
    expect(await add(shop, { ...TEE, name: 'x'.repeat(17_000) })).to.equal(undefined);
    expect(await shop.eval('omnikit.cart.items()')).to.deep.equal([]);
    expect(await add(shop, TEE)).to.equal('tee|');
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length >= 1, {
      message: 'Product Added of the second line stored',
    });
    await sleep(300); // a Product Added of the refused line would be stored by now
    const tracked = (await storedEvents({ anonymousId, type: 'track' })).map((e) => [
      e.event,
      (e.body.properties as Record<string, unknown>).name,
    ]);
    expect(tracked).to.deep.equal([['Product Added', 'Tee']]);
  });

  it('stores the e-commerce events on the server: Product Added / Removed by quantity, Cart Viewed', async () => {
    const shop = await pool.open(FAST);
    const anonymousId = await shop.anonymousId();
    const runner = await add(shop, { ...RUNNER, quantity: 2 });
    await add(shop, RUNNER); // one more of the same line
    await shop.eval(`omnikit.cart.update(${js(runner)}, 5)`); // +2
    await shop.eval(`omnikit.cart.update(${js(runner)}, 5)`); // no change: no event
    await shop.eval(`omnikit.cart.update(${js(runner)}, 1)`); // -4
    await add(shop, TEE);
    await shop.eval('omnikit.cart.view()');
    await shop.eval(`omnikit.cart.remove(${js(runner)})`); // the last 1
    const events = await waitFor(
      async () => {
        const stored = await storedEvents({ anonymousId, type: 'track' });
        return stored.length >= 7 && stored;
      },
      { message: '7 cart events stored' },
    );
    await sleep(300); // one event too many would be stored by now
    const product = {
      product_id: 'runner',
      variant: 'runner-42-red',
      name: 'Runner',
      price: 59.9,
      currency: 'EUR',
    };
    const tee = { product_id: 'tee', name: 'Tee', price: 19.95, currency: 'EUR' };
    const shown = (await storedEvents({ anonymousId, type: 'track' })).map((e) => [
      e.event,
      e.body.properties,
    ]);
    expect(shown).to.have.length(7);
    expect(shown.slice(0, 4)).to.deep.equal([
      ['Product Added', { ...product, quantity: 2 }],
      ['Product Added', { ...product, quantity: 1 }],
      ['Product Added', { ...product, quantity: 2 }],
      ['Product Removed', { ...product, quantity: 4 }],
    ]);
    expect(shown[4]).to.deep.equal(['Product Added', { ...tee, quantity: 1 }]);
    expect(shown[5]).to.deep.equal([
      'Cart Viewed',
      {
        products: [
          { ...product, quantity: 1 },
          { ...tee, quantity: 1 },
        ],
      },
    ]);
    expect(shown[6]).to.deep.equal(['Product Removed', { ...product, quantity: 1 }]);
    expect(events.every((e) => e.body.type === 'track' && e.anonymousId === anonymousId)).to.equal(true);
  });

  it('shows each tab of a device the other tab’s changes live, over one stream connection', async () => {
    await deleteDocs();
    await waitFor(async () => (await stats()).streamsOpen === 0, { message: 'no stream left from before' });
    const first = await pool.open(FAST, { tab: true });
    const second = await pool.open(FAST, { tab: true });
    for (const tab of [first, second]) {
      // What a cart badge does: re-render on every change.
      await tab.eval(`window.__lines = [];
        omnikit.cart.subscribe((lines) => (__lines = lines.map((l) => [l.id, l.quantity])))`);
    }
    await waitFor(async () => (await stats()).streamsOpen === 1, { message: 'the stream is open' });

    /** Changes the cart in `from`; answers how long until `to`'s subscriber saw `expected`. */
    const live = async (from: ClientPage, change: string, to: ClientPage, expected: unknown) => {
      const startedAt = await from.eval<number>(`(${change}, Date.now())`);
      const seenAt = await to.eval<number>(`new Promise((resolve) => {
        const expected = ${js(JSON.stringify(expected))};
        const deadline = Date.now() + 3000;
        (function check() {
          if (JSON.stringify(__lines) === expected) resolve(Date.now());
          else if (Date.now() > deadline) resolve(1e9);
          else setTimeout(check, 5);
        })();
      })`);
      return seenAt - startedAt;
    };
    expect(await live(first, `omnikit.cart.add(${js(RUNNER)})`, second, [[RUNNER_LINE, 1]])).to.be.below(
      1000,
    );
    expect(
      await live(second, `omnikit.cart.update(${js(RUNNER_LINE)}, 3)`, first, [[RUNNER_LINE, 3]]),
    ).to.be.below(1000);
    expect(
      await live(first, `omnikit.cart.add(${js(TEE)})`, second, [
        [RUNNER_LINE, 3],
        ['tee|', 1],
      ]),
    ).to.be.below(1000);
    expect(await live(second, `omnikit.cart.remove(${js(RUNNER_LINE)})`, first, [['tee|', 1]])).to.be.below(
      1000,
    );
    expect(await live(first, 'omnikit.cart.clear()', second, [])).to.be.below(1000);
    expect(await cartOf(first)).to.deep.equal(await cartOf(second));

    await sleep(500);
    const { streamsOpen } = await stats();
    expect(streamsOpen).to.equal(1); // one per browser, not one per tab
    await deleteDocs();
  });

  /** A shop page whose device is registered and synced once: its next pushes are the test's. */
  const syncedShop = async () => {
    const shop = await pool.open(FAST);
    await add(shop, TEE);
    await waitFor(async () => (await storedRecords()).some((r) => r.key === 'tee|'), {
      message: 'the first line synced (the device registered)',
    });
    return shop;
  };

  it('pushes a burst of changes made in one go (a loop of 100 cart.add) in one request, at once', async () => {
    const shop = await syncedShop();
    // Every push the page makes from now on, by its number of records.
    await shop.eval(`window.__pushes = [];
      const send = window.fetch;
      window.fetch = (url, init) => {
        if (String(url).endsWith('/v1/sync')) {
          const { push } = JSON.parse(init.body);
          if (push.length) __pushes.push(push.length);
        }
        return send(url, init);
      };`);
    const started = Date.now();
    await shop.eval(`for (let i = 0; i < 100; i++)
      omnikit.cart.add({ productId: 'burst-' + i, name: 'Item ' + i, price: 1, currency: 'EUR' })`);
    const burst = async () => (await storedRecords()).filter((r) => r.key.startsWith('burst-')).length;
    await waitFor(async () => (await burst()) === 100, { message: 'the burst synced' });
    expect(await shop.eval('__pushes')).to.deep.equal([100]);
    expect(Date.now() - started).to.be.below(2000);
  });

  it('pushes a change at once, from memory while IndexedDB stores it, with no debounce in the way', async () => {
    const shop = await syncedShop();
    // For each change: ms from cart.add until its push request leaves the page.
    await shop.eval(`window.__delays = [];
      const send = window.fetch;
      window.fetch = (url, init) => {
        if (String(url).endsWith('/v1/sync') && JSON.parse(init.body).push.length)
          __delays.push(performance.now() - __changedAt);
        return send(url, init);
      };`);
    for (let i = 1; i <= 5; i++) {
      await shop.eval(`window.__changedAt = performance.now(); omnikit.cart.update('tee|', ${i + 1})`);
      await waitFor(async () => (await shop.eval<number[]>('__delays')).length === i, {
        message: `push ${i}`,
      });
      await sleep(100);
    }
    const delays = (await shop.eval<number[]>('__delays')).sort((a, b) => a - b);
    // A debounce would hold every push back by its whole delay (it was 50 ms).
    expect(delays[2], `median of ${delays.map(Math.round).join(', ')} ms`).to.be.below(30);
  });

  it('is emptied on every device when the order is placed (Order Completed), with no Product Removed', async () => {
    const phone = await pool.open(FAST);
    await identifyIn(phone, 'mei');
    const laptop = await pool.open(FAST);
    await identifyIn(laptop, 'mei');
    await add(phone, TEE);
    await add(phone, RUNNER);
    await waitFor(async () => (await cartOf(laptop)).length === 2, { message: 'the laptop has the cart' });
    // The thank-you page on the laptop: it tracks the order and never calls the cart.
    await laptop.reload();
    await wrap(laptop); // its client made again
    await laptop.eval(`omnikit.track('Order Completed', { order_id: 'o-1', total: 79.85, currency: 'EUR' })`);
    await waitFor(async () => !(await cartOf(phone)).length, { message: 'the phone’s cart emptied' });
    await waitFor(async () => !(await cartOf(laptop)).length, { message: 'the laptop’s cart emptied' });
    const cart = (await storedRecords()).filter((r) => r.doc === 'cart');
    expect(cart.map((r) => r.deleted)).to.deep.equal([true, true]); // tombstones: no stale copy comes back
    await phone.reload();
    await wrap(phone);
    await sleep(1000);
    expect(await cartOf(phone)).to.deep.equal([]);
    // The lines were bought, not removed.
    await waitFor(async () =>
      (await storedEvents({ type: 'track' })).some((e) => e.event === 'Order Completed'),
    );
    const tracked = (await storedEvents({ type: 'track' })).map((e) => e.event);
    expect(tracked).to.not.include('Product Removed');

    // A visitor without a cart who completes an order (bought elsewhere, say) registers no device.
    const visitor = await pool.open(FAST);
    await visitor.eval(`omnikit.track('Order Completed', { order_id: 'o-2', total: 5 })`);
    await sleep(1000);
    const sent = (await visitor.requests()).map((r) => new URL(r.url).pathname);
    expect(sent.filter((path) => /\/v1\/(devices|sync)/.test(path))).to.deep.equal([]);
  });

  it('survives reloads', async () => {
    const shop = await pool.open(FAST);
    await add(shop, { ...RUNNER, quantity: 2 });
    await add(shop, TEE);
    await sleep(300);
    await shop.reload();
    let again = await wrap(shop);
    // What a cart badge does on load: subscribe; the stored lines arrive once IndexedDB answered.
    await again.eval(`void (window.__loaded = new Promise((resolve) => {
      if (omnikit.cart.items().length) resolve('at once');
      const off = omnikit.cart.subscribe((lines) => lines.length && (off(), resolve('subscribed')));
      setTimeout(() => resolve('never'), 3000);
    }))`);
    expect(await again.eval('__loaded')).to.not.equal('never');
    expect(await again.eval('omnikit.cart.items()')).to.deep.equal([
      { ...RUNNER, id: RUNNER_LINE, quantity: 2 },
      { ...TEE, id: 'tee|', quantity: 1 },
    ]);
    // An update and a removal survive too (the removal is not undone by the copy stored before).
    await again.eval(`(omnikit.cart.update(${js(RUNNER_LINE)}, 4), omnikit.cart.remove('tee|'))`);
    await sleep(300);
    await again.reload();
    again = await wrap(again);
    await waitFor(async () => (await cartOf(again)).length, { timeout: 3000, message: 'the cart loaded' });
    await sleep(300); // a stale line would be back by now
    expect(await cartOf(again)).to.deep.equal([[RUNNER_LINE, 4]]);
    expect((await again.eval<{ amount: number }>('omnikit.cart.total()')).amount).to.equal(239.6);
    expect(await again.errors()).to.deep.equal([]);
  });

  it('keeps a line added right before the page navigates, even while IndexedDB is slow to open', async () => {
    const shop = await pool.open(FAST);
    // A busy phone: opening IndexedDB takes 300 ms (the client's own database is open already; the
    // cart's opens on first use).
    await shop.eval(`{
      const open = indexedDB.open.bind(indexedDB);
      indexedDB.open = (...args) => {
        const slow = {};
        setTimeout(() => {
          const real = open(...args);
          Object.defineProperties(slow, { result: { get: () => real.result }, error: { get: () => real.error } });
          for (const type of ['success', 'error', 'upgradeneeded', 'blocked'])
            real['on' + type] = (event) => slow['on' + type]?.(event);
        }, 300);
        return slow;
      };
    }`);
    // A "Buy now" button: add, then go to the checkout page (here: the same page again).
    await add(shop, TEE);
    await shop.reload();
    const checkout = await wrap(shop);
    await checkout.eval('omnikit.cart');
    await sleep(1500);
    expect(await cartOf(checkout)).to.deep.equal([['tee|', 1]]);
  });
});
