// Delivery across reloads and closed tabs: events survive a reload or a closed tab and arrive exactly once.
import { expect } from '@open-wc/testing';
import { fault, fixtureUrl, openTab, resetBackend, storedEvents, waitFor } from './helpers.ts';
import { countBy, openClient, wrap } from './sdk.ts';

const N = 25;
// Long enough that nothing is sent on its own before the page goes away.
const HOLD = { flushInterval: 600_000, flushAt: 1000 };

/** Tabs of one context share the anonymous id and the outbox: tell the tests apart by event name. */
async function expectEachOnce(anonymousId: string, event: string) {
  const events = await waitFor(
    async () => {
      const stored = (await storedEvents({ anonymousId, type: 'track' })).filter((e) => e.event === event);
      return stored.length >= N && stored;
    },
    { timeout: 15_000, message: `${N} events stored` },
  );
  const counts = countBy(events, (e) => (e.body.properties as { n: number }).n);
  expect([...counts.keys()].sort((a, b) => Number(a) - Number(b))).to.deep.equal([...Array(N).keys()]);
  expect([...counts.values()].every((count) => count === 1)).to.equal(true);
}

describe('events around page exits', () => {
  beforeEach(resetBackend);

  it('arrive exactly once when the page is reloaded before they were sent', async () => {
    const client = await openClient(HOLD);
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Reload Test', { n })`);
    expect(await storedEvents({ anonymousId })).to.have.length(0);
    await client.reload();
    await wrap(client);
    await expectEachOnce(anonymousId, 'Reload Test');
    await client.close();
  });

  it('arrive when the tab is closed right after tracking (keepalive), with no other tab open', async () => {
    const client = await openClient(HOLD, { tab: true });
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Close Test', { n })`);
    await client.close({ runBeforeUnload: true });
    await expectEachOnce(anonymousId, 'Close Test');
  });

  it('in a script of 3-byte characters, the newest that fit a keepalive body arrive when the tab is closed', async () => {
    const client = await openClient(HOLD, { tab: true });
    const anonymousId = await client.anonymousId();
    // ~2,100 characters of JSON each but ~4,500 bytes of UTF-8: all 25 fit the exit's budget in
    // characters, and would make a keepalive body of over 64 KB, which the browser refuses.
    const name = '購物車'.repeat(400);
    await client.eval(
      `for (let n = 0; n < ${N}; n++) omnikit.track('Wide Close Test', { n, name: '${name}' })`,
    );
    await client.close({ runBeforeUnload: true });
    const events = await waitFor(
      async () => {
        const stored = (await storedEvents({ anonymousId, type: 'track' })).filter(
          (e) => e.event === 'Wide Close Test',
        );
        return stored.length > 0 && stored;
      },
      { timeout: 15_000, message: 'events stored' },
    );
    const numbers = events.map((e) => (e.body.properties as { n: number }).n);
    expect(numbers).to.include(N - 1);
    expect(new Set(numbers).size).to.equal(numbers.length);
  });

  it('arrive when the page is hidden (tab switch, app switch) even if it is never seen again', async () => {
    const client = await openClient(HOLD, { tab: true });
    const anonymousId = await client.anonymousId();
    await client.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Hide Test', { n })`);
    await client.hide();
    await expectEachOnce(anonymousId, 'Hide Test');
    await client.close();
  });

  it('are sent on the next load when the backend was down as the page went away', async () => {
    await fault.fail(10_000, 503); // every send fails, the keepalive one at exit too
    const first = await openClient(HOLD, { tab: true });
    const anonymousId = await first.anonymousId();
    await first.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Next Load Test', { n })`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the outbox write commits
    await first.close({ runBeforeUnload: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedEvents({ anonymousId })).to.have.length(0);
    await fault.clear();

    const next = await wrap(await openTab(fixtureUrl({ autoPage: false, flushInterval: 50 }, 'esm')));
    expect(await next.anonymousId()).to.equal(anonymousId);
    await expectEachOnce(anonymousId, 'Next Load Test');
    await next.close();
  });
});
