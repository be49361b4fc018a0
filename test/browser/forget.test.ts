// Forgetting a visitor: forget() on the device, and a device the shop erased (DELETE /v1/profiles/…).
import { expect } from '@open-wc/testing';
import {
  backend,
  resetBackend,
  setDeviceOffline,
  storedEvents,
  storedRecords,
  type Tab,
  TEST_SERVER_KEY,
  waitFor,
} from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';

const pool = pagePool();
const PRODUCT = { productId: 'tea', name: 'Green tea', price: 12, currency: 'EUR' };

/** Every place on the device that could still hold `anonymousId`: cookie, localStorage, IndexedDB. */
const deviceHolds = (page: Tab, anonymousId: string) =>
  page.eval<boolean>(`(async () => {
    const seen = [document.cookie, JSON.stringify({ ...localStorage })];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve) => { const r = indexedDB.open(name); r.onsuccess = () => resolve(r.result); });
      const store = db.transaction('kv').objectStore('kv');
      seen.push(JSON.stringify(await new Promise((resolve) => { const r = store.getAll(); r.onsuccess = () => resolve(r.result); })));
      db.close();
    }
    return seen.some((text) => text.includes(${JSON.stringify(anonymousId)}));
  })()`);

/** A visitor who has browsed, put something in the cart and been sent to the server. */
async function visitor(): Promise<[ClientPage, string]> {
  const page = await pool.open({ endpoint: backend.url, flushInterval: 20 });
  const anonymousId = await page.anonymousId();
  await page.eval(
    `omnikit.track('Product Viewed', { sku: 'tea' }); omnikit.cart.add(${JSON.stringify(PRODUCT)})`,
  );
  await waitFor(async () => (await storedEvents({ anonymousId })).length >= 2, { message: 'events stored' });
  await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart'), {
    message: 'cart synced',
  });
  return [page, anonymousId];
}

describe('forget()', () => {
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('erases an anonymous visitor on the server and on the device, then a new visitor starts', async () => {
    const [page, anonymousId] = await visitor();
    expect(await page.eval('omnikit.forget()')).to.equal(true);

    expect(await storedEvents({ anonymousId })).to.deep.equal([]);
    expect((await storedRecords()).filter((r) => !r.deleted)).to.deep.equal([]);
    expect(await deviceHolds(page, anonymousId)).to.equal(false);
    expect(await page.eval('omnikit.cart.items()')).to.deep.equal([]);
    const fresh = await page.anonymousId();
    expect(fresh).to.not.equal(anonymousId);
    await page.eval(`omnikit.track('Came Back')`);
    await waitFor(async () => (await storedEvents({ anonymousId: fresh })).length === 1, {
      message: 'the new visitor is tracked',
    });
    expect(await page.errors()).to.deep.equal([]);
  });

  it('changes nothing and answers false when the server cannot be reached, so the page can try again', async () => {
    const [page, anonymousId] = await visitor();
    await setDeviceOffline('endpoint=', true);
    expect(await page.eval('omnikit.forget()')).to.equal(false);
    expect(await page.anonymousId()).to.equal(anonymousId);
    expect(await page.eval('omnikit.cart.items().length')).to.equal(1);
    await setDeviceOffline('endpoint=', false);
    expect(await page.eval('omnikit.forget()')).to.equal(true);
    expect(await storedEvents({ anonymousId })).to.deep.equal([]);
  });
});

describe('a device whose customer the shop erased', () => {
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('starts afresh: new anonymous id, no user, empty cart', async () => {
    const page = await pool.open({ endpoint: backend.url, flushInterval: 20 });
    const anonymousId = await page.anonymousId();
    await identifyIn(page, 'erased-user-1');
    await page.eval(`omnikit.cart.add(${JSON.stringify(PRODUCT)})`);
    await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart' && !r.deleted), {
      message: 'cart synced to the account',
    });

    // With suppression: what the device sends before it hears of the erasure is not stored either.
    const answer = await fetch(`${backend.url}/v1/profiles/erased-user-1?suppress=true`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${TEST_SERVER_KEY}` },
    });
    expect(answer.status).to.equal(200);

    // The device hears it at its next call (the stream ends, or the next sync): it starts afresh.
    await page.eval(`omnikit.cart.add({ productId: 'cup', name: 'Cup', price: 5 })`);
    const fresh = await waitFor(async () => {
      const id = await page.anonymousId();
      return id !== anonymousId && id;
    });
    await waitFor(async () => (await page.eval<unknown[]>('omnikit.cart.items()')).length === 0, {
      message: 'the cart left the device',
    });
    expect(await deviceHolds(page, anonymousId)).to.equal(false);
    await page.eval(`omnikit.track('After Erasure')`);
    const [after] = await waitFor(async () => {
      const events = await storedEvents({ anonymousId: fresh });
      return (
        events.some((e) => e.event === 'After Erasure') && events.filter((e) => e.event === 'After Erasure')
      );
    });
    expect(after.userId).to.equal(null);
    expect(await storedEvents({ userId: 'erased-user-1' })).to.deep.equal([]);
  });
});
