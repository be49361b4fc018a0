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

  it("tags the tracker-only build's events with the traffic source and checks them against the plan", async () => {
    // A campaign landing on a page with the tracker alone (a blog post, say): its touch must count.
    const client = await openClient(
      {
        src: '/dist/omnikit-tracker.js',
        'data-flush-interval': '20',
        'data-plan': '/test/fixtures/plan.json',
        'data-plan-mode': 'flag',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring',
      },
      { fixture: 'script-tag' },
    );
    await client.call('track', 'Order Completed', { total: 'twelve' });
    const anonymousId = await client.anonymousId();
    const [event] = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId, type: 'track' });
      return stored.length === 1 && stored;
    });
    const context = event.body.context as {
      traffic: Record<string, string>;
      attribution: { first: Record<string, unknown>; last: Record<string, unknown> };
      violations: { kind: string; path: string }[];
    };
    const spring = { class: 'email', source: 'newsletter', medium: 'email', campaign: 'spring' };
    expect(context.traffic).to.deep.equal(spring);
    expect(context.attribution.first).to.include(spring);
    expect(context.attribution.last).to.include(spring);
    expect(context.violations.map((v) => [v.kind, v.path])).to.deep.include(['wrong_type', 'total']);
  });

  it('loads without creating a client when the tag has no write key', async () => {
    const page = await openDevice(fixtureUrl({ writeKey: undefined, calls: '[["track", "Kept In Stub"]]' }));
    await page.eval('__omnikitReady');
    expect(await page.eval('typeof Omnikit.createOmnikit')).to.equal('function');
    expect(await page.eval('Array.isArray(window.omnikit) && window.omnikit.length')).to.equal(1);
    await page.close();
  });
});
