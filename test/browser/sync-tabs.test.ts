// Tabs of one browser share one device, one copy of the documents and ONE stream (protocol §3).
import { expect } from '@open-wc/testing';
import { openSyncPage, resetBackend, stats, waitFor } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync across tabs', () => {
  beforeEach(async () => {
    await resetBackend();
    // Tabs share the test's own storage: start each test without the previous one's documents.
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase('omnikit-docs-test-key');
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  });

  it('show each other’s changes live, with exactly one stream open, and hand the stream over', async () => {
    const before = (await stats()).streamsOpen; // pages of other files may still be closing
    const first = await openSyncPage('first', { tab: true });
    const second = await openSyncPage('second', { tab: true });
    await waitFor(async () => (await stats()).streamsOpen === before + 1);
    await sleep(300);
    expect((await stats()).streamsOpen).to.equal(before + 1); // not one per tab

    // One device: the same token, so one registration and one profile.
    await first.set('cart', 'a', 1);
    await waitFor(async () => JSON.stringify(await second.entries('cart')) === '[["a",1]]');
    await second.remove('cart', 'a');
    await second.set('cart', 'b', 2);
    await waitFor(async () => JSON.stringify(await first.entries('cart')) === '[["b",2]]');

    // Another device's change reaches both tabs through the one stream.
    const handoff = await first.eval<{ token: string }>('handoff.token(sync)');
    const phone = await openSyncPage('phone');
    expect(await phone.eval(`handoff.claim(sync, ${JSON.stringify(handoff.token)})`)).to.equal(true);
    expect(await phone.entries('cart')).to.deep.equal([['b', 2]]);
    await sleep(300);
    await phone.set('cart', 'c', 3);
    for (const tab of [first, second]) {
      await waitFor(async () => JSON.stringify(await tab.entries('cart')) === '[["b",2],["c",3]]', {
        timeout: 1000,
      });
    }

    // The tab holding the stream goes away: the other takes the lock and opens the stream.
    const open = (await stats()).streamsOpen;
    await first.close();
    await waitFor(async () => (await stats()).streamsOpen === open, { message: 'stream handed over' });
    await sleep(300);
    await phone.set('cart', 'd', 4);
    await waitFor(async () => (await second.entries('cart')).length === 3, { timeout: 1000 });
    await second.close();
  });

  it('push a write whose tab closed before it could, from the next tab that syncs', async () => {
    const first = await openSyncPage('first', { tab: true });
    await first.sync();
    // The write is stored, but the push never happens: the page stops fetching, then closes.
    await first.eval(`window.fetch = () => new Promise(() => {})`);
    await first.set('cart', 'kept', { qty: 1 });
    await sleep(100);
    await first.close();

    const second = await openSyncPage('second', { tab: true });
    await second.sync();
    const phone = await openSyncPage('phone');
    const handoff = await second.eval<{ token: string }>('handoff.token(sync)');
    expect(await phone.eval(`handoff.claim(sync, ${JSON.stringify(handoff.token)})`)).to.equal(true);
    expect(await phone.entries('cart')).to.deep.equal([['kept', { qty: 1 }]]);
    await second.close();
  });
});
