// The script tag: config from data-* attributes, and calls made through the stub before the script
// arrived are replayed in order.
import { expect } from '@open-wc/testing';
import { fixtureUrl, openDevice, resetBackend, storedEvents, waitFor } from './helpers.ts';
import { openClient } from './sdk.ts';

describe('the script tag', () => {
  beforeEach(resetBackend);

  it('builds dist/omnikit.js into a client from its data attributes and replays queued calls', async () => {
    const calls = [
      ['identify', 'early-user', { plan: 'free' }],
      ['track', 'Queued Before Load', { n: 1 }],
    ];
    const client = await openClient(
      {
        calls: JSON.stringify(calls),
        'data-channel': 'kiosk',
        'data-flush-interval': '20',
        'data-auto-page': 'true',
      },
      { fixture: 'script-tag' },
    );
    expect(await client.eval('typeof Omnikit.createOmnikit')).to.equal('function');
    const anonymousId = await client.anonymousId();
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId });
      return stored.length === 3 && stored;
    });
    // Queued calls first, then the automatic page view, which already carries the early user id.
    expect(events.map((e) => e.type)).to.deep.equal(['identify', 'track', 'page']);
    expect(events.every((e) => e.userId === 'early-user')).to.equal(true);
    expect((events[1].body.context as { channel: string }).channel).to.equal('kiosk');
    expect((events[1].body.context as { library: { version: string } }).library.version).to.match(
      /^\d+\.\d+\.\d+/,
    );
  });

  it('has a tracker-only build that delivers events and has no cart', async () => {
    const client = await openClient(
      { src: '/dist/omnikit-tracker.js', 'data-flush-interval': '20' },
      { fixture: 'script-tag' },
    );
    await client.call('track', 'Tracker Only');
    const anonymousId = await client.anonymousId();
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 1);
    expect(await client.eval('typeof omnikit.cart')).to.equal('undefined');
    expect(await client.eval("'cart' in omnikit")).to.equal(false);
  });

  it('loads without creating a client when the tag has no write key', async () => {
    const page = await openDevice(fixtureUrl({ writeKey: undefined, calls: '[["track", "Kept In Stub"]]' }));
    await page.eval('__omnikitReady');
    expect(await page.eval('typeof Omnikit.createOmnikit')).to.equal('function');
    expect(await page.eval('Array.isArray(window.omnikit) && window.omnikit.length')).to.equal(1);
    await page.close();
  });
});
