// Cart repricing: the server reprices or flags cart lines against the shop's catalog, and the page sees it
// through the public API (`omnikit.cart.items()`), on the `priced` site of commands/backend.ts.
import { expect } from '@open-wc/testing';
import { openDevice, resetBackend, waitFor } from './helpers.ts';
import { type ClientPage, pagePool, wrap } from './sdk.ts';

const PRICED = { writeKey: 'priced-key', flushInterval: 50 };
const js = JSON.stringify;

interface Line {
  id: string;
  price: number;
  quantity: number;
  warning?: string;
}

/** The page's lines once every one of `ids` carries a warning. */
const flagged = (page: ClientPage, ids: string[]) =>
  waitFor(
    async () => {
      const lines = await page.eval<Line[]>('omnikit.cart.items()');
      return ids.every((id) => lines.find((l) => l.id === id)?.warning) && lines;
    },
    { message: `warnings on ${ids.join(', ')}` },
  );

describe('cart lines checked by the server', () => {
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows the catalog price and a warning soon after adding at a stale price, and keeps unknown lines', async () => {
    const shop = await pool.open(PRICED);
    const tee = { productId: 'tee', name: 'Tee', price: 9.9, currency: 'EUR', quantity: 2 };
    const ghost = { productId: 'ghost', name: 'Ghost', price: 5, currency: 'EUR' };
    await shop.eval(`omnikit.cart.add(${js(tee)}); omnikit.cart.add(${js(ghost)})`);

    const lines = await flagged(shop, ['tee|', 'ghost|']);
    expect(lines).to.deep.equal([
      { ...tee, id: 'tee|', price: 19.9, quantity: 2, warning: 'price_changed' },
      { ...ghost, id: 'ghost|', quantity: 1, warning: 'unavailable' },
    ]);
    expect((await shop.eval<{ amount: number }>('omnikit.cart.total()')).amount).to.equal(44.8);

    // The customer's next change keeps the corrected price and its warning.
    await shop.eval(`omnikit.cart.update('tee|', 3)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await shop.eval<Line[]>('omnikit.cart.items()');
    expect(after.find((l) => l.id === 'tee|')).to.include({
      price: 19.9,
      quantity: 3,
      warning: 'price_changed',
    });
    expect(await shop.errors()).to.deep.equal([]);
  });

  it('takes a line the server corrected along when the device claims a handoff link, as its own write', async () => {
    // The server refuses records of its own replica ids from devices: a device carrying a corrected
    // line to another profile must push it as its own write, or the line would stay behind.
    const phone = await pool.open(PRICED);
    await phone.eval(`omnikit.cart.add(${js({ productId: 'ghost', name: 'Ghost', price: 5 })})`);
    const made = await phone.eval<{ url: string }>('omnikit.handoff.create()');
    const tab = pool.keep(await openDevice(made.url));
    const tee = { productId: 'tee', name: 'Tee', price: 9.9, currency: 'EUR' };
    await (await wrap(tab)).eval(`omnikit.cart.add(${js(tee)})`);
    await flagged(await wrap(tab), ['tee|']);
    // After a reload the device holds only the server's corrected record, not its own first write.
    await tab.reload();
    const laptop = await wrap(tab);
    await flagged(laptop, ['tee|']);
    await laptop.eval('omnikit.handoff.incoming().then((h) => h.claim())');
    const lines = await waitFor(
      async () => {
        const all = await phone.eval<Line[]>('omnikit.cart.items()');
        return all.some((l) => l.id === 'tee|') && all;
      },
      { message: "the laptop's corrected line on the phone" },
    );
    expect(lines.find((l) => l.id === 'tee|')).to.include({ price: 19.9, warning: 'price_changed' });
    expect(await laptop.errors()).to.deep.equal([]);
  });
});
