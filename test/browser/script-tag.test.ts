// The script tag: config from data-* attributes, and calls made through the stub before the script
// arrived are replayed in order.
import { expect } from '@open-wc/testing';
import {
  backend,
  fixtureUrl,
  openDevice,
  resetBackend,
  storedEvents,
  waitFor,
  writeKeys,
} from './helpers.ts';
import { openClient } from './sdk.ts';

/** The stub snippet exactly as the README gives it to paste. */
const readmeStub = () =>
  fetch('/README.md')
    .then((response) => response.text())
    .then(
      (readme) =>
        readme.match(/<script>\n\s*(window\.omnikit=window\.omnikit\|\|\[\];[^\n]*)\n<\/script>/)![1],
    );

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

  it('replays functions pushed through the stub, with the cart, forms, widget and handoff, in call order, once a late script arrives', async () => {
    const page = await openDevice('/test/fixtures/blank.html');
    await page.block(String.raw`/dist/omnikit\.js`, { hold: true });
    // The README's stub, then the script tag (held back), then the page's calls while it is away.
    await page.eval(`(() => {
      ${await readmeStub()}
      const script = document.createElement('script');
      script.async = true;
      script.src = '/dist/omnikit.js';
      script.dataset.endpoint = ${JSON.stringify(backend.url)};
      script.dataset.writeKey = ${JSON.stringify(writeKeys.test)};
      script.dataset.flushInterval = '20';
      script.dataset.autoPage = 'false';
      script.dataset.widget = '';
      document.head.append(script);
      document.body.insertAdjacentHTML('beforeend', '<form id="quote"><input name="city"></form>');
      window.seen = [];
      omnikit.track('First');
      omnikit.push((client) => {
        seen.push(client === window.omnikit);
        client.cart.add({ productId: 'tee', name: 'Tee', price: 29, currency: 'EUR' });
        client.track('Second', { lines: client.cart.items().length });
      });
      omnikit.push((client) => { throw new Error('a mistake in the page'); });
      omnikit.push(async (client) => {
        window.watched = !!client.forms.watch('#quote', { id: 'quote' });
        client.widget.open();
        window.link = await client.handoff.create();
      });
      omnikit.track('Third');
    })()`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await page.eval('typeof omnikit.cart')).to.equal('undefined'); // still the stub
    await page.unblock(String.raw`/dist/omnikit\.js`);

    await waitFor(() => page.eval<boolean>('!!window.link'), {
      message: 'the handoff made by a queued function',
    });
    expect(await page.eval('seen')).to.deep.equal([true]);
    expect(await page.eval('watched')).to.equal(true);
    expect(await page.eval('omnikit.cart.items().length')).to.equal(1);
    await waitFor(() => page.eval<boolean>(`!!document.querySelector('omnikit-widget')`), {
      message: 'the widget opened by a queued function',
    });
    const anonymousId = await page.eval<string>('omnikit.anonymousId()');
    const tracked = await waitFor(async () => {
      const events = (await storedEvents({ anonymousId, type: 'track' })).filter(
        (e) => e.event !== 'Product Added',
      );
      return events.length === 3 && events;
    });
    // In call order, the function's call between the stub's two, and the cart already had the line.
    expect(tracked.map((e) => e.event)).to.deep.equal(['First', 'Second', 'Third']);
    expect(tracked[1].body.properties).to.deep.equal({ lines: 1 });
    // Once loaded, push() runs a function at once.
    expect(
      await page.eval('(omnikit.push((client) => { window.late = client === omnikit; }), window.late)'),
    ).to.equal(true);
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
