// The change stream carries the records (protocol §3): a device up to date applies them with no
// request at all, so a change takes one round trip from one device to the other; it pulls only on a
// gap (a message it missed, a reconnect).
import { expect } from '@open-wc/testing';
import { fault, openLinkedSyncPair, resetBackend, type SyncPage, waitFor } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts the page's sync requests (by the records each pushes) and can drop the next `changed`
 * message its stream receives, as a lost message would be. Installed in fetch, so only streams
 * opened after it see it: the caller cuts the open ones.
 */
const watch = (page: SyncPage) =>
  page.eval(`window.__pushes = []; window.__dropNext = false;
    const send = window.fetch;
    window.fetch = async (url, init) => {
      const path = String(url);
      if (path.endsWith('/v1/sync')) __pushes.push(JSON.parse(init.body).push.length);
      const response = await send(url, init);
      if (!path.endsWith('/v1/stream') || !response.body) return response;
      const decoder = new TextDecoder();
      const lossy = new TransformStream({
        transform(chunk, out) {
          if (__dropNext && decoder.decode(chunk).includes('event: changed')) __dropNext = false;
          else out.enqueue(chunk);
        },
      });
      return new Response(response.body.pipeThrough(lossy), { status: response.status, headers: response.headers });
    };`);

const pushes = (page: SyncPage) => page.eval<number[]>('__pushes');
const has = async (page: SyncPage, key: string) => (await page.entries('cart')).some(([k]) => k === key);

/** Two linked devices whose streams reconnected through `watch`, each past its catch-up sync. */
async function watchedPair(): Promise<[SyncPage, SyncPage]> {
  const [phone, laptop] = await openLinkedSyncPair('mei');
  await Promise.all([watch(phone), watch(laptop)]);
  await fault.dropStreams();
  for (const page of [phone, laptop])
    await waitFor(async () => (await pushes(page)).length > 0, { message: `${page.id} reconnected` });
  await sleep(300);
  for (const page of [phone, laptop]) await page.eval('__pushes.length = 0');
  return [phone, laptop];
}

describe('changes through the stream', () => {
  beforeEach(resetBackend);

  it('applies what the stream carries with no request: one push, nothing else, on either side', async () => {
    const [phone, laptop] = await watchedPair();
    for (const [from, to, key] of [
      [phone, laptop, 'sku-1'],
      [laptop, phone, 'sku-2'],
    ] as const) {
      await from.set('cart', key, { qty: 1 });
      await waitFor(() => has(to, key), { message: `${to.id} shows ${key}` });
      await sleep(300); // a pull would have left by now
      expect(await pushes(from), `${from.id}: its push, and nothing for its own change`).to.deep.equal([1]);
      expect(await pushes(to), `${to.id}: not a single request`).to.deep.equal([]);
      await from.eval('__pushes.length = 0');
    }
    expect(await phone.entries('cart')).to.deep.equal(await laptop.entries('cart'));
    expect([...(await phone.errors()), ...(await laptop.errors())]).to.deep.equal([]);
  });

  it('pulls once when a message was missed, and then has both changes', async () => {
    const [phone, laptop] = await watchedPair();
    await laptop.eval('__dropNext = true');
    await phone.set('cart', 'lost', { qty: 1 });
    await waitFor(async () => (await pushes(phone)).length === 1, { message: 'the phone pushed' });
    await sleep(300);
    expect(await has(laptop, 'lost'), 'the laptop never heard of it').to.equal(false);

    await phone.set('cart', 'next', { qty: 1 });
    await waitFor(async () => (await has(laptop, 'lost')) && has(laptop, 'next'), {
      message: 'the laptop caught up',
    });
    // The second message did not follow its cursor: one pull (pushing nothing) filled the gap.
    expect(await pushes(laptop)).to.deep.equal([0]);
  });

  it('pulls what changed while its stream was down, once it reconnects', async () => {
    const [phone, laptop] = await watchedPair();
    // Every stream cut, and the next reconnections refused for a while: the change goes unheard.
    await fault.fail(4, 503, {}, '/v1/stream');
    await fault.dropStreams();
    await phone.set('cart', 'meanwhile', { qty: 1 });
    await waitFor(() => has(laptop, 'meanwhile'), { message: 'the laptop caught up after reconnecting' });
    expect((await pushes(laptop)).length, 'the laptop pulled').to.be.at.least(1);
    await fault.clear();
  });
});
