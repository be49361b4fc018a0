// Delivery under server faults: with the server failing for a while, nothing is lost and nothing duplicated.
import { expect } from '@open-wc/testing';
import { fault, resetBackend, setOffline, stats, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, countBy, openClient } from './sdk.ts';

const N = 10;
const FAST = { flushInterval: 20, retryBaseDelay: 100, retryMaxDelay: 400 };

async function trackBurst(client: ClientPage, name: string) {
  await client.eval(`for (let n = 0; n < ${N}; n++) omnikit.track(${JSON.stringify(name)}, { n })`);
}

async function expectEachOnce(anonymousId: string, timeout = 10_000) {
  const events = await waitFor(
    async () => {
      const stored = await storedEvents({ anonymousId, type: 'track' });
      return stored.length >= N && stored;
    },
    { timeout },
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // a late duplicate would show up by now
  const again = await storedEvents({ anonymousId, type: 'track' });
  expect(again).to.have.length(N);
  const counts = countBy(events, (e) => (e.body.properties as { n: number }).n);
  expect(counts.size).to.equal(N);
}

describe('delivery when the backend fails', () => {
  beforeEach(resetBackend);

  it('retries 500s with backoff until the server recovers', async () => {
    await fault.fail(3, 500);
    const client = await openClient(FAST);
    await trackBurst(client, 'After 500s');
    await expectEachOnce(await client.anonymousId());
    expect((await stats()).byStatus['500']).to.equal(3);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    await fault.fail(1, 429, { 'Retry-After': '2' });
    const client = await openClient(FAST);
    await client.eval(
      `void (window.__sentAt = new Promise((resolve) => omnikit.on('sent', () => resolve(Date.now()))))`,
    );
    const trackedAt = await client.eval<number>(`(omnikit.track('Throttled', { n: 0 }), Date.now())`);
    const sentAt = await client.eval<number>('__sentAt');
    // Without Retry-After the backoff (100–400 ms) would have retried long before.
    expect(sentAt - trackedAt).to.be.at.least(2000);
    expect((await stats()).byStatus['429']).to.equal(1);
  });

  it('re-sends when connections drop, before or after the server stored the batch', async () => {
    const client = await openClient(FAST);
    // Watch the page's real fetch: the drops must reach the SDK as network errors.
    await client.eval(`{
      window.failures = 0;
      const fetch = window.fetch;
      window.fetch = (...args) => fetch(...args).catch((error) => { failures++; throw error; });
    }`);
    await fault.drop(2);
    await trackBurst(client, 'Dropped');
    await expectEachOnce(await client.anonymousId());
    expect(await client.eval('failures')).to.equal(2);

    await resetBackend();
    await fault.drop(1, { after: true }); // the response is lost: the client must re-send…
    await trackBurst(client, 'Lost Response');
    await expectEachOnce(await client.anonymousId());
    // …and the server must recognise the copy: received twice, stored once.
    expect(await client.eval('failures')).to.equal(3);
    expect((await stats()).duplicates).to.equal(N);
  });

  it('keeps events while offline and sends them once back online', async () => {
    const client = await openClient(FAST, { tab: true });
    const anonymousId = await client.anonymousId();
    await setOffline(true);
    try {
      await trackBurst(client, 'Offline');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await storedEvents({ anonymousId })).to.have.length(0);
    } finally {
      await setOffline(false);
    }
    await expectEachOnce(anonymousId);
    await client.close();
  });

  it('survives a slow server without sending twice', async () => {
    await fault.delay(1500, 1);
    const client = await openClient(FAST);
    await trackBurst(client, 'Slow');
    await expectEachOnce(await client.anonymousId());
    expect((await stats()).duplicates).to.equal(0);
  });

  it('drops a batch the server refuses for good (4xx) with an error, and goes on', async () => {
    await fault.fail(1, 400);
    const client = await openClient(FAST);
    await client.call('track', 'Refused', { n: 0 });
    const errors = await waitFor(async () => {
      const all = await client.errors();
      return all.some((e) => e.code === 'delivery_rejected') && all;
    });
    expect(errors.find((e) => e.code === 'delivery_rejected')!.message).to.match(/400/);
    await client.call('track', 'Accepted', { n: 1 });
    const anonymousId = await client.anonymousId();
    const stored = await waitFor(async () => {
      const events = await storedEvents({ anonymousId });
      return events.length && events;
    });
    expect(stored.map((e) => e.event)).to.deep.equal(['Accepted']);
    expect((await stats()).byStatus['400']).to.equal(1); // not retried
  });
});
