// The 30-day horizon seen from the client (protocol §3): a device whose cursor predates a tombstone
// compaction starts over instead of keeping what was removed, and a record the server refuses is
// reported without holding back the device's other writes and pulls.
import { expect } from '@open-wc/testing';
import { fault, openLinkedSyncPair, resetBackend, seesCart, waitFor } from './helpers.ts';

describe('the sync horizon', function () {
  this.timeout(30_000);
  beforeEach(resetBackend);

  it('starts a device over when its cursor predates a compaction: a removal it missed does not come back', async () => {
    const [phone, laptop] = await openLinkedSyncPair('kai');
    await phone.set('cart', 'shoe', { qty: 1 });
    await phone.set('cart', 'sock', { qty: 2 });
    await phone.sync();
    await seesCart(laptop, [
      ['shoe', { qty: 1 }],
      ['sock', { qty: 2 }],
    ]);

    // The laptop is away while the shoe is removed and the server compacts that removal away.
    await laptop.setOffline(true);
    await phone.remove('cart', 'shoe');
    await phone.sync();
    await fault.compact();
    // A write the laptop made while away must survive its fresh start.
    await laptop.set('cart', 'hat', { qty: 1 });

    await laptop.setOffline(false);
    await laptop.sync();
    await seesCart(laptop, [
      ['hat', { qty: 1 }],
      ['sock', { qty: 2 }],
    ]);
    await seesCart(phone, [
      ['hat', { qty: 1 }],
      ['sock', { qty: 2 }],
    ]);
  });

  it('reports a record the server refuses, and keeps syncing the rest', async () => {
    const [phone, laptop] = await openLinkedSyncPair('kai');
    // A record two days ahead of the server's clock is refused (future_record); the page's clock
    // jumps for that one write only.
    await phone.eval(`(() => {
      const now = Date.now;
      Date.now = () => now() + 2 * 86_400_000;
      sync.doc('cart').set('ahead', { qty: 1 });
      Date.now = now;
    })()`);
    await phone.sync();
    await waitFor(async () => (await phone.errors()).some((e) => /future_record/.test(e.message)), {
      message: 'the refusal reported',
    });
    // Refused once, never pushed again: another sync reports nothing new.
    const reported = (await phone.errors()).length;
    await phone.sync();
    expect((await phone.errors()).length).to.equal(reported);

    // Pulls still work: the laptop's write arrives.
    await laptop.set('cart', 'sock', { qty: 2 });
    await laptop.sync();
    await waitFor(async () => (await phone.entries('cart')).some(([key]) => key === 'sock'), {
      message: 'phone sees the sock',
    });
    expect((await laptop.entries('cart')).map(([key]) => key)).to.not.include('ahead');
  });
});
