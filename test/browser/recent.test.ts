// Recently viewed follows the customer: `Product Viewed` keeps the product in the synced document
// `recent` (the 20 viewed last), read with `omnikit.recent` on every device the customer signed in
// on; only with `personalization`, and a withdrawal takes it off the device and the server.
import { expect } from '@open-wc/testing';
import { resetBackend, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool, wrap } from './sdk.ts';

const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const view = (page: ClientPage, id: string, extra: Record<string, unknown> = {}) =>
  page.eval(
    `omnikit.track('Product Viewed', ${JSON.stringify({ product_id: id, name: `Product ${id}`, price: 10, ...extra })})`,
  );
const recentIds = (page: ClientPage) => page.eval<string[]>('omnikit.recent.list().map((p) => p.product_id)');
/**
 * The live keys of `recent` in the profile holding a record of `key`: the account's (a device's
 * guest profile may keep what it pushed before its sign-in linked it).
 */
const onServer = async (key: string) => {
  const records = (await storedRecords()).filter((r) => r.doc === 'recent');
  const profile = records.find((r) => r.key === key)?.profileId;
  return records
    .filter((r) => r.profileId === profile && !r.deleted)
    .map((r) => r.key)
    .sort();
};

describe('recently viewed', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('follows the customer to their other device, the one viewed last first, 20 at most', async () => {
    const phone = await pool.open(FAST);
    const laptop = await pool.open(FAST);
    await identifyIn(phone, 'mei');
    await identifyIn(laptop, 'mei');
    await view(phone, 'tee', { currency: 'EUR', image_url: 'https://shop.example/tee.jpg' });
    await sleep(5); // distinct times
    await view(phone, 'mug');
    await waitFor(async () => (await recentIds(laptop)).join() === 'mug,tee', { message: 'on the laptop' });
    const [, tee] = await laptop.eval<Record<string, unknown>[]>('omnikit.recent.list()');
    expect(tee).to.include({ product_id: 'tee', name: 'Product tee', price: 10, currency: 'EUR' });
    expect(tee.image_url).to.equal('https://shop.example/tee.jpg');
    expect(typeof tee.at).to.equal('number');

    for (let i = 0; i < 25; i++) await view(laptop, `p${i}`);
    const kept = await recentIds(laptop);
    expect(kept).to.have.length(20);
    expect(kept[0]).to.equal('p24');
    expect(kept).to.not.include('tee');
    await waitFor(async () => (await onServer('p24')).length === 20, { message: '20 on the server' });
    await waitFor(async () => (await recentIds(phone)).length === 20, { message: '20 on the phone' });
  });

  it('keeps nothing without personalization, and a withdrawal removes what was kept, everywhere', async () => {
    const page = await pool.open({ ...FAST, consent: 'pending' });
    await identifyIn(page, 'mei');
    await view(page, 'tee');
    await sleep(500);
    expect(await recentIds(page)).to.deep.equal([]);
    expect(await onServer('tee')).to.deep.equal([]);

    await page.eval(`omnikit.consent.set({ personalization: true })`);
    await view(page, 'mug');
    await waitFor(async () => (await onServer('mug')).join() === 'mug', {
      message: 'kept with personalization',
    });

    // Withdrawn on a later page that never reads `recent`: it goes from the device and the server.
    await page.reload();
    await wrap(page); // its client made again
    await page.eval(`omnikit.consent.set({ personalization: true })`);
    await page.eval(`omnikit.consent.set({ personalization: false })`);
    await waitFor(async () => (await onServer('mug')).length === 0, { message: 'removed on the server' });
    expect(await recentIds(page)).to.deep.equal([]);
  });
});
