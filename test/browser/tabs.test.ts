// Delivery from several tabs: two tabs of one site share one outbox and one flusher: no duplicates.
import { expect } from '@open-wc/testing';
import { resetBackend, stats, storedEvents, waitFor } from './helpers.ts';
import { countBy, openClient } from './sdk.ts';

const N = 30;

describe('several tabs of one site', () => {
  beforeEach(resetBackend);

  it('deliver every event of both tabs exactly once, through one flushing tab', async () => {
    const options = { flushInterval: 100, flushAt: 5 };
    const first = await openClient(options, { tab: true });
    const second = await openClient(options, { tab: true });
    const anonymousId = await first.anonymousId();
    expect(await second.anonymousId()).to.equal(anonymousId); // one browser, one anonymous id
    await Promise.all([
      first.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Tab', { n, tab: 1 })`),
      second.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Tab', { n, tab: 2 })`),
    ]);
    const events = await waitFor(
      async () => {
        const stored = await storedEvents({ anonymousId, type: 'track' });
        return stored.length >= 2 * N && stored;
      },
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = countBy(events, (e) => JSON.stringify(e.body.properties));
    expect(counts.size).to.equal(2 * N);
    // Two flushers reading one outbox would send the same events twice.
    expect((await stats()).duplicates).to.equal(0);
    await first.close();
    await second.close();
  });

  it('hands flushing over when the flushing tab closes', async () => {
    const options = { flushInterval: 50 };
    const leader = await openClient(options, { tab: true });
    const other = await openClient(options, { tab: true });
    const anonymousId = await leader.anonymousId();
    await leader.close();
    await other.call('track', 'After Handover');
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 1);
    await other.close();
  });
});
