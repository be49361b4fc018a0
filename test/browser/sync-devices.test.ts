// Sync between devices (protocol §2–§4): live through the stream, and convergence after offline edits.
import { expect } from '@open-wc/testing';
import { openSyncPage, resetBackend, type SyncPage, waitFor } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves in `page` when `key` of `doc` changes from elsewhere; answers the ms from `since`. */
const arms = (page: SyncPage, doc: string, key: string) =>
  page.eval(`void (window.__heard = new Promise((resolve) => {
    const off = sync.doc(${JSON.stringify(doc)}).subscribe((keys, source) => {
      if (source === 'remote' && keys.includes(${JSON.stringify(key)})) { off(); resolve(Date.now()); }
    });
  }))`);

/** Writes on `from`, answers how long `to` took to see it (both pages share this machine's clock). */
async function latency(from: SyncPage, to: SyncPage, key: string, value: unknown): Promise<number> {
  await arms(to, 'cart', key);
  const writtenAt = await from.eval<number>(
    `(sync.doc('cart').set(${JSON.stringify(key)}, ${JSON.stringify(value)}), Date.now())`,
  );
  // Never heard within 3 s: answered as a (failing) latency of 1e9 ms rather than a test timeout.
  const heardAt = await to.eval<number>(
    'Promise.race([__heard, new Promise((r) => setTimeout(() => r(1e9), 3000))])',
  );
  expect(await to.eval(`sync.doc('cart').get(${JSON.stringify(key)})`)).to.deep.equal(value);
  return heardAt - writtenAt;
}

/** Waits until the stream of every page is open (each syncs once connected). */
const settle = () => sleep(300);

describe('sync between devices', () => {
  beforeEach(resetBackend);

  it('links two devices by identify, and each sees the other’s writes within 1 s, through the stream', async () => {
    const phone = await openSyncPage('phone');
    const laptop = await openSyncPage('laptop');
    await phone.set('cart', 'sku-1', { qty: 1 }); // made as a guest: goes along to the account
    const [a, b] = [await phone.identify('mei'), await laptop.identify('mei')];
    expect(a?.profileId).to.be.a('string');
    expect(b?.profileId).to.equal(a?.profileId);
    expect(a?.wasAnonymous).to.equal(true);
    await waitFor(async () => (await laptop.entries('cart')).length === 1);
    await settle();
    // Nothing polls: without the stream, a write elsewhere would wait for a focus, an online event…
    expect(await latency(phone, laptop, 'sku-2', { qty: 2 })).to.be.below(1000);
    expect(await latency(laptop, phone, 'sku-3', { qty: 3 })).to.be.below(1000);
    await latency(phone, laptop, 'sku-2', { qty: 5 });
    expect(await phone.entries('cart')).to.deep.equal(await laptop.entries('cart'));
    expect(await phone.errors()).to.deep.equal([]);
  });

  it('links a second device by a handoff claim, which then sees the first one’s cart and writes live', async () => {
    const phone = await openSyncPage('phone');
    await phone.set('cart', 'sku-1', { qty: 1 });
    await phone.sync();
    const handoff = await phone.eval<{ token: string }>('handoff.token(sync)');
    expect(handoff.token).to.be.a('string');
    const laptop = await openSyncPage('laptop');
    await laptop.set('form', 'email', 'mei@example.com'); // the laptop's own guest state goes along
    expect(await laptop.eval(`handoff.preview(sync, ${JSON.stringify(handoff.token)})`)).to.have.property(
      'summary',
    );
    expect(await laptop.eval(`handoff.claim(sync, ${JSON.stringify(handoff.token)})`)).to.equal(true);
    expect(await laptop.entries('cart')).to.deep.equal([['sku-1', { qty: 1 }]]);
    await waitFor(async () => (await phone.entries('form')).length === 1);
    await settle();
    expect(await latency(laptop, phone, 'sku-2', { qty: 1 })).to.be.below(1000);
    expect(await latency(phone, laptop, 'sku-3', { qty: 1 })).to.be.below(1000);
    // A token is good once.
    expect(await laptop.eval(`handoff.claim(sync, ${JSON.stringify(handoff.token)})`)).to.equal(false);
    expect((await laptop.errors()).map((e) => e.message).join()).to.match(/410 handoff_used/);
  });

  it('converges after both devices edited offline, and a removal is not undone by a stale copy', async () => {
    const phone = await openSyncPage('phone');
    const laptop = await openSyncPage('laptop');
    await phone.identify('mei');
    await laptop.identify('mei');
    for (const key of ['a', 'b', 'c', 'd']) await phone.set('cart', key, { qty: 1 });
    await waitFor(async () => (await laptop.entries('cart')).length === 4);

    // Really offline: Playwright's context.setOffline() for each device, whose pages then fail every
    // request (the stream included) and see navigator.onLine false and the offline/online events.
    await phone.setOffline(true);
    await laptop.setOffline(true);
    try {
      await laptop.set('cart', 'a', { qty: 7 }); // an edit on the laptop…
      await sleep(20);
      await phone.remove('cart', 'a'); // …then a removal on the phone: the removal is newer
      await phone.remove('cart', 'b'); // removed on the phone, untouched (a stale copy) on the laptop
      await phone.remove('cart', 'd'); // a removal…
      await sleep(20);
      await laptop.set('cart', 'd', { qty: 9 }); // …then a newer write: the write wins
      await laptop.set('cart', 'e', { qty: 1 });
      await phone.set('cart', 'f', { qty: 1 });
      await sleep(500);
      // Nothing crossed while offline.
      expect((await phone.entries('cart')).map(([k]) => k)).to.deep.equal(['c', 'f']);
      expect((await laptop.entries('cart')).map(([k]) => k)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    } finally {
      await phone.setOffline(false);
      await laptop.setOffline(false);
    }
    const expected = [
      ['c', { qty: 1 }],
      ['d', { qty: 9 }],
      ['e', { qty: 1 }],
      ['f', { qty: 1 }],
    ];
    await waitFor(async () => JSON.stringify(await phone.entries('cart')) === JSON.stringify(expected), {
      message: 'phone converged',
    });
    await waitFor(async () => JSON.stringify(await laptop.entries('cart')) === JSON.stringify(expected), {
      message: 'laptop converged',
    });
    // And it stays so: another round of syncs on both changes nothing.
    await Promise.all([phone.sync(), laptop.sync()]);
    expect(await phone.entries('cart')).to.deep.equal(expected);
    expect(await laptop.entries('cart')).to.deep.equal(expected);
    // A device that comes later pulls the same.
    const tablet = await openSyncPage('tablet');
    await tablet.identify('mei');
    await tablet.sync();
    expect(await tablet.entries('cart')).to.deep.equal(expected);
  });
});
