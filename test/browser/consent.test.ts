// The consent seam: while pending, nothing is stored or sent; grant() releases, deny() drops.
import { expect } from '@open-wc/testing';
import { resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, openClient } from './sdk.ts';

const storage = (client: ClientPage) =>
  client.eval<{ cookies: string; local: number; databases: string[] }>(`(async () => ({
    cookies: document.cookie,
    local: localStorage.length,
    databases: (await indexedDB.databases()).map((d) => d.name),
  }))()`);

describe('consent pending', () => {
  beforeEach(resetBackend);

  it('writes nothing and sends nothing until granted, then sends what waited', async () => {
    const client = await openClient({ consent: 'pending', flushInterval: 20, autoPage: true });
    await client.call('identify', 'user-3');
    await client.call('track', 'Waited', { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storage(client)).to.deep.equal({ cookies: '', local: 0, databases: [] });
    expect(await client.eval('omnikit.consent.state')).to.equal('pending');

    await client.call('consent.grant');
    const anonymousId = await client.anonymousId();
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId });
      return stored.length === 3 && stored;
    });
    // In call order, and the track carries the user id identified before it.
    expect(events.map((e) => e.type)).to.deep.equal(['page', 'identify', 'track']);
    expect(events[2].userId).to.equal('user-3');
    const after = await storage(client);
    expect(after.cookies).to.contain(`omnikit_aid=${anonymousId}`);
    expect(after.databases).to.include('omnikit');
  });

  it('drops what waited on deny(), and everything after, silently: the choice is no error', async () => {
    const client = await openClient({ consent: 'pending', flushInterval: 20 });
    await client.call('track', 'Never Sent');
    await client.call('consent.deny');
    await client.call('track', 'Not Either');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storage(client)).to.deep.equal({ cookies: '', local: 0, databases: [] });
    expect(await storedEvents()).to.have.length(0);
    expect(await client.errors()).to.deep.equal([]); // no consent_denied: the customer's choice at work
  });
});
