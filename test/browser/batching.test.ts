// Batches by count, by time and by size; a bounded outbox; no `unload` listener.
import { expect } from '@open-wc/testing';
import { fault, resetBackend, SDK_MODULE, stats, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, openClient } from './sdk.ts';

/** Records the body size of each request the page sends, by wrapping the page's real fetch. */
const recordRequests = (client: ClientPage) =>
  client.eval(`{
    window.requests = [];
    const fetch = window.fetch;
    window.fetch = (url, init) => (requests.push(new Blob([init.body]).size), fetch(url, init));
  }`);

describe('batching', () => {
  beforeEach(resetBackend);

  it('sends as soon as flushAt events wait, without waiting for the interval', async () => {
    const client = await openClient({ flushAt: 5, flushInterval: 600_000 });
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < 5; n++) omnikit.track('Counted', { n })`);
    await waitFor(async () => (await storedEvents({ anonymousId })).length === 5, { timeout: 3000 });
  });

  it('sends fewer events once flushInterval has passed, not before', async () => {
    const client = await openClient({ flushAt: 100, flushInterval: 1500 });
    const anonymousId = await client.anonymousId();
    const trackedAt = Date.now();
    await client.call('track', 'Timed');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await storedEvents({ anonymousId })).to.have.length(0);
    await waitFor(async () => (await storedEvents({ anonymousId })).length === 1, { timeout: 3000 });
    expect(Date.now() - trackedAt).to.be.at.least(1500);
  });

  it('keeps every request under 60 KB, splitting large batches', async () => {
    const client = await openClient({ flushAt: 1000, flushInterval: 200 });
    await recordRequests(client);
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < 12; n++) omnikit.track('Bulky', { n, blob: 'x'.repeat(10_000) })`);
    await waitFor(async () => (await storedEvents({ anonymousId })).length === 12);
    const sizes = await client.eval<number[]>('requests');
    expect(sizes.length).to.be.at.least(3);
    expect(Math.max(...sizes)).to.be.at.most(60 * 1024);
    expect((await stats()).duplicates).to.equal(0);
  });
});

describe('the outbox', () => {
  beforeEach(resetBackend);

  it('is bounded: the oldest are dropped, counted and reported, the newest delivered', async () => {
    await fault.fail(10_000, 503);
    const client = await openClient({
      maxOutbox: 10,
      flushInterval: 20,
      retryBaseDelay: 200,
      retryMaxDelay: 200,
    });
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < 25; n++) omnikit.track('Bounded', { n })`);
    const errors = await waitFor(async () => {
      const all = await client.errors();
      return all.some((e) => e.code === 'outbox_overflow') && all;
    });
    expect(errors.find((e) => e.code === 'outbox_overflow')!.message).to.match(/dropped 15 oldest/);
    await fault.clear();
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId });
      return stored.length === 10 && stored;
    });
    expect(events.map((e) => (e.body.properties as { n: number }).n)).to.deep.equal(
      [...Array(10).keys()].map((i) => i + 15),
    );
  });
});

describe('page lifecycle listeners', () => {
  it('never listens to unload or beforeunload (they break the back/forward cache)', async () => {
    const client = await openClient({ 'data-auto-page': 'true' }, { fixture: 'script-tag' });
    // The fixture loaded the SDK already; load it again into a page that records listeners first.
    const listened = await client.eval<string[]>(`(async () => {
      const types = [];
      const add = EventTarget.prototype.addEventListener;
      EventTarget.prototype.addEventListener = function (type, ...rest) { types.push(type); return add.call(this, type, ...rest); };
      const { createOmnikit } = await ${SDK_MODULE};
      createOmnikit({ writeKey: 'test-key', endpoint: 'http://127.0.0.1:9' }).track('Listening');
      await new Promise((resolve) => setTimeout(resolve, 100));
      EventTarget.prototype.addEventListener = add;
      return types;
    })()`);
    expect(listened).to.include.members(['pagehide', 'visibilitychange', 'online']);
    expect(listened).to.not.include.members(['unload']);
    expect(listened).to.not.include('beforeunload');
  });
});
