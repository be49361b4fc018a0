// The sync's replication (session, push and pull, schedule) is a chunk: fetched when sync first goes
// online. A page that only tracks never fetches it; a page that cannot keeps its cart on the device,
// reports it, and syncs once the code can be fetched again.
import { expect } from '@open-wc/testing';
import { fetchedCode, thrown, watchThrown } from './chunk-code.ts';
import { forgetDevice } from './device-storage.ts';
import { resetBackend, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, pagePool, wrap } from './sdk.ts';

// omnikit-replication.js (script tag), omnikit-replication.mjs (npm build), or the module from source.
const REPLICATION_CODE = String.raw`omnikit-replication\.m?js|/src/sync/replication\.ts`;
const RUNNER = { productId: 'runner', name: 'Runner', price: 59.9, currency: 'EUR' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const replicationCode = (page: ClientPage) => fetchedCode(page, REPLICATION_CODE);
const synced = async () => (await storedRecords()).some((r) => r.key === 'runner|');

describe('the replication chunk', () => {
  const pool = pagePool();
  beforeEach(async () => {
    await resetBackend();
    await forgetDevice();
  });
  afterEach(() => pool.closeAll());

  it('is fetched once sync goes online, never by a page that only tracks', async () => {
    const page = await pool.open({}, { tab: true });
    await page.eval(`omnikit.track('Viewed Home')`);
    await sleep(300);
    expect(await replicationCode(page)).to.deep.equal([]);
    await page.eval(`omnikit.cart.add(${JSON.stringify(RUNNER)})`);
    await waitFor(synced, { message: 'the cart synced' });
    expect(await replicationCode(page)).to.have.length(1);
  });

  /** Blocks the code, adds to the cart; checks the report, the cart on the device, nothing synced. */
  const withoutTheCode = async (page: ClientPage) => {
    await watchThrown(page);
    await page.block(REPLICATION_CODE);
    await page.eval(`omnikit.cart.add(${JSON.stringify(RUNNER)})`);
    await waitFor(async () => (await page.errors()).length > 0, { message: 'reported' });
    const errors = await page.errors();
    expect(errors.map((e) => e.code)).to.deep.equal(['internal']);
    expect(errors[0].message).to.match(/^sync: /);
    expect(await page.eval('omnikit.cart.items().map((line) => line.quantity)')).to.deep.equal([1]);
    await sleep(300);
    expect(await synced()).to.equal(false);
    expect(await thrown(page)).to.deep.equal([]);
    await page.unblock(REPLICATION_CODE);
  };

  it('keeps the cart when it cannot be fetched, reports it, and back online fetches it and syncs', async () => {
    const page = await pool.open({ retryBaseDelay: 50 }, { tab: true, fixture: 'script-tag' });
    await withoutTheCode(page);
    await page.eval(`dispatchEvent(new Event('online'))`);
    await waitFor(synced, { message: 'the cart synced' });
  });

  it('from the npm build, syncs what was written meanwhile at the next page load', async () => {
    // A browser keeps a failed import() for the page's life (the module map), unlike a script tag.
    const page = await pool.open({ retryBaseDelay: 50 }, { tab: true });
    await withoutTheCode(page);
    await page.reload();
    const again = await wrap(page);
    await again.eval('omnikit.cart.items()');
    await waitFor(synced, { message: 'the cart synced' });
  });
});
