// Only a verified identity links a device to a profile's documents (protocol §2), and reset() leaves
// nothing of the customer behind.
import { expect } from '@open-wc/testing';
import { openSyncPage, resetBackend, startSync, userHashOf } from './helpers.ts';

describe('sync and trust', () => {
  beforeEach(resetBackend);

  it('gives a device that merely claims a user id none of that user’s records', async () => {
    const mei = await openSyncPage('mei');
    await mei.identify('mei');
    await mei.set('cart', 'sku-1', { qty: 2 });
    await mei.set('form:checkout', 'address', '1 Main St');
    await mei.sync();

    const intruder = await openSyncPage('intruder');
    await intruder.set('cart', 'own', 1);
    const wrong = await userHashOf('mei', 'not-the-secret');
    expect(await intruder.identify('mei', wrong)).to.equal(undefined);
    expect(await intruder.identify('mei', await userHashOf('someone-else'))).to.equal(undefined);
    await intruder.sync();
    expect(await intruder.entries('cart')).to.deep.equal([['own', 1]]);
    expect(await intruder.entries('form:checkout')).to.deep.equal([]);
    const errors = await intruder.errors();
    expect(errors.map((e) => e.message)).to.deep.equal([
      'identify: 403 invalid_user_hash',
      'identify: 403 invalid_user_hash',
    ]);
    // Nor did its own records reach mei.
    await mei.sync();
    expect(await mei.entries('cart')).to.deep.equal([['sku-1', { qty: 2 }]]);

    // The control: with the right hash, the same device gets them.
    expect((await intruder.identify('mei'))?.wasAnonymous).to.equal(true);
    await intruder.sync();
    expect(await intruder.entries('form:checkout')).to.deep.equal([['address', '1 Main St']]);
  });

  it('takes a guest’s documents to the account on identify, except one forgotten to merge by a policy', async () => {
    const laptop = await openSyncPage('laptop');
    await laptop.identify('mei');
    await laptop.set('cart', 'shared', { qty: 5 });
    await laptop.set('cart', 'account-only', { qty: 1 });
    await laptop.sync();

    const phone = await openSyncPage('phone');
    await phone.set('cart', 'shared', { qty: 2 }); // newer than the account's line: LWW would take it
    await phone.set('cart', 'guest-only', { qty: 1 });
    await phone.set('form:checkout', 'email', 'mei@example.com');
    await phone.sync();
    // What the cart's merge policy does (src/continuity.ts): forget the guest cart right after identify,
    // pull the account's, then write the merged lines.
    const hash = await userHashOf('mei');
    const cart = await phone.eval(`link(sync, 'mei', ${JSON.stringify(hash)}).then(async (a) => {
      if (!a.wasAnonymous) throw new Error('expected a guest');
      sync.doc('cart').forget();
      await sync.sync();
      return sync.doc('cart').entries().sort(([a], [b]) => (a < b ? -1 : 1));
    })`);
    expect(cart).to.deep.equal([
      ['account-only', { qty: 1 }],
      ['shared', { qty: 5 }],
    ]);
    // The other documents went along; the guest's cart lines did not reach the account.
    await laptop.sync();
    expect(await laptop.entries('form:checkout')).to.deep.equal([['email', 'mei@example.com']]);
    expect(await laptop.entries('cart')).to.deep.equal(cart);
  });

  it('leaves nothing of the customer on the device after reset(), and starts a new anonymous device', async () => {
    const laptop = await openSyncPage('laptop');
    await laptop.identify('mei');
    await laptop.set('cart', 'sku-1', { qty: 2 });
    await laptop.sync();
    await laptop.eval('sync.reset()');
    expect(await laptop.entries('cart')).to.deep.equal([]);
    await laptop.reload();
    await startSync(laptop, { anonymousId: `'after-reset'` });
    await laptop.sync();
    expect(await laptop.entries('cart')).to.deep.equal([]); // not in IndexedDB either, nor pulled again
    // A switch to another user drops the previous user's documents instead of pushing them along.
    await laptop.identify('mei');
    await laptop.sync();
    expect(await laptop.entries('cart')).to.deep.equal([['sku-1', { qty: 2 }]]);
    await laptop.identify('lin');
    await laptop.set('cart', 'lin-1', 1);
    await laptop.sync();
    expect(await laptop.entries('cart')).to.deep.equal([['lin-1', 1]]);
    const mei = await openSyncPage('mei');
    await mei.identify('mei');
    await mei.sync();
    expect(await mei.entries('cart')).to.deep.equal([['sku-1', { qty: 2 }]]);
  });
});
