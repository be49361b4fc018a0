// Sync survives a failing server, cut streams and a restart, without losing a write (protocol §3).
import { expect } from '@open-wc/testing';
import {
  fault,
  openLinkedSyncPair,
  openSyncPage,
  resetBackend,
  restartBackend,
  seesCart,
  stats,
  waitFor,
} from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync when the backend fails', () => {
  beforeEach(resetBackend);

  it('retries 500s and a 429 (after Retry-After) until the write is through', async () => {
    const [phone, laptop] = await openLinkedSyncPair('mei');
    const before = (await stats()).syncRequests;
    await fault.fail(3, 500, {}, '/v1/sync');
    await phone.set('cart', 'a', 1);
    await seesCart(laptop, [['a', 1]]);
    expect((await stats()).syncRequests - before).to.be.at.least(4);

    await fault.fail(1, 429, { 'Retry-After': '1' }, '/v1/sync');
    const writtenAt = Date.now();
    await phone.set('cart', 'b', 2);
    await seesCart(laptop, [
      ['a', 1],
      ['b', 2],
    ]);
    // The backoff alone (50–500 ms here) would have retried long before.
    expect(Date.now() - writtenAt).to.be.at.least(1000);
    expect(await phone.errors()).to.deep.equal([]); // retried, not reported
  });

  it('catches up after the stream is cut, and after connections drop mid-sync', async () => {
    const [phone, laptop] = await openLinkedSyncPair('mei');
    const opened = (await stats()).streamsOpened;
    // Cut every stream, then write at once: the change lands while the laptop is not listening.
    expect(await fault.dropStreams()).to.be.at.least(2);
    await phone.set('cart', 'a', 1);
    await seesCart(laptop, [['a', 1]]);
    await waitFor(async () => (await stats()).streamsOpened >= opened + 2, { message: 'streams reopened' });
    await sleep(300);
    await phone.set('cart', 'b', 2); // live again, through the new streams
    await seesCart(
      laptop,
      [
        ['a', 1],
        ['b', 2],
      ],
      1000,
    );

    // The response of a push is lost (stored, then the connection dies): pushed again, merged once.
    await fault.drop(7, { after: true, path: '/v1/sync' });
    await phone.set('cart', 'c', 3);
    await sleep(1000);
    await fault.clear();
    await seesCart(laptop, [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('reopens a stream refused with 429 (too many streams) no sooner than its Retry-After', async () => {
    const [phone, laptop] = await openLinkedSyncPair('mei');
    const opened = (await stats()).streamsOpened;
    await fault.fail(1, 429, { 'Retry-After': '2' }, '/v1/stream');
    const cutAt = Date.now();
    const cut = await fault.dropStreams();
    expect(cut).to.be.at.least(2);
    // The others reconnect after their backoff (at most 50 ms here); the refused one waits 2 s.
    await waitFor(async () => (await stats()).streamsOpened >= opened + cut - 1, {
      message: 'others reopened',
    });
    await sleep(cutAt + 1500 - Date.now());
    expect((await stats()).streamsOpened).to.equal(opened + cut - 1);
    await waitFor(async () => (await stats()).streamsOpened >= opened + cut, {
      message: 'the refused stream reopened',
      timeout: 5000,
    });
    await phone.set('cart', 'a', 1);
    await seesCart(laptop, [['a', 1]], 1000);
  });

  it('survives a server restart: writes made while it is down arrive once it is back', async () => {
    const [phone, laptop] = await openLinkedSyncPair('mei');
    await phone.set('cart', 'a', 1);
    await seesCart(laptop, [['a', 1]]);
    const restarting = restartBackend(800);
    await sleep(200); // down now: every request fails
    await phone.set('cart', 'b', 2);
    await laptop.remove('cart', 'a');
    await restarting;
    const expected: [string, unknown][] = [['b', 2]];
    await seesCart(laptop, expected);
    await seesCart(phone, expected);
    // Same database, same tokens: still one profile, still live.
    await sleep(500);
    await laptop.set('cart', 'c', 3);
    await seesCart(
      phone,
      [
        ['b', 2],
        ['c', 3],
      ],
      1000,
    );
    expect(await phone.errors()).to.deep.equal([]);
  });

  it('re-registers once when its token is refused, and takes what it holds to its new profile', async () => {
    const phone = await openSyncPage('phone');
    await phone.set('cart', 'a', 1);
    await phone.sync();
    const old = await phone.eval<{ token: string }>('handoff.token(sync)');
    await fault.fail(1, 401, {}, '/v1/sync');
    await phone.set('cart', 'b', 2);
    await phone.sync();
    expect(await phone.errors()).to.deep.equal([]);
    // The old profile never got `b`: the push after the 401 went to the new device's profile…
    const other = await openSyncPage('other');
    expect(await other.eval(`handoff.claim(sync, ${JSON.stringify(old.token)})`)).to.equal(true);
    expect(await other.entries('cart')).to.deep.equal([['a', 1]]);
    // …which holds everything the phone had.
    const next = await phone.eval<{ token: string }>('handoff.token(sync)');
    const laptop = await openSyncPage('laptop');
    expect(await laptop.eval(`handoff.claim(sync, ${JSON.stringify(next.token)})`)).to.equal(true);
    expect(await laptop.entries('cart')).to.deep.equal([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
