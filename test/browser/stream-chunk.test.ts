// The change stream's reader is a chunk: only the tab that holds the stream (one per browser, by Web
// Lock) fetches it, after its first sync. A page that cannot fetch it reports it and syncs on.
import { expect } from '@open-wc/testing';
import { fetchedCode, thrown, watchThrown } from './chunk-code.ts';
import { forgetDevice } from './device-storage.ts';
import { resetBackend, stats, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, pagePool } from './sdk.ts';

// omnikit-stream.js (script tag), omnikit-stream.mjs (npm build), or the module from source.
const STREAM_CODE = String.raw`omnikit-stream\.m?js|/src/sync/stream\.ts`;
const RUNNER = { productId: 'runner', name: 'Runner', price: 59.9, currency: 'EUR' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const streamCode = (page: ClientPage) => fetchedCode(page, STREAM_CODE);

describe('the change stream chunk', () => {
  const pool = pagePool();
  beforeEach(async () => {
    await resetBackend();
    await forgetDevice();
  });
  afterEach(() => pool.closeAll());

  it('is fetched by the one tab that holds the stream, after its first sync', async () => {
    const opened = (await stats()).streamsOpened;
    const first = await pool.open({}, { tab: true });
    expect(await streamCode(first)).to.deep.equal([]); // a page that only tracks
    await first.eval(`omnikit.cart.add(${JSON.stringify(RUNNER)})`);
    await waitFor(async () => (await streamCode(first)).length === 1, {
      message: 'fetched by the first tab',
    });
    await waitFor(async () => (await stats()).streamsOpened === opened + 1, { message: 'the stream open' });

    const second = await pool.open({}, { tab: true });
    await second.eval('omnikit.cart.items()');
    await waitFor(async () => (await second.eval<unknown[]>('omnikit.cart.items()')).length === 1);
    await sleep(500);
    expect(await streamCode(second)).to.deep.equal([]);
    expect((await stats()).streamsOpened).to.equal(opened + 1);
  });

  it('reports code that cannot be fetched, and the page syncs on without it', async () => {
    const page = await pool.open({ retryBaseDelay: 50 }, { tab: true });
    await watchThrown(page);
    await page.block(STREAM_CODE);
    await page.eval(`omnikit.cart.add(${JSON.stringify(RUNNER)})`);
    await waitFor(async () => (await page.errors()).length > 0, { message: 'reported' });
    const errors = await page.errors();
    expect(errors.map((e) => e.code)).to.deep.equal(['internal']);
    expect(errors[0].message).to.match(/^stream: /);
    await waitFor(async () => (await storedRecords()).some((r) => r.key === 'runner|'), {
      message: 'the cart synced',
    });
    expect(await thrown(page)).to.deep.equal([]);
  });
});
