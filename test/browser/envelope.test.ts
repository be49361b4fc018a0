// Every event carries one Segment-compatible envelope with the same context, as stored by the server.
import { expect } from '@open-wc/testing';
import { zoneOfOffset } from '../../src/identity/time-zone.ts';
import { resetBackend, storedEvents, waitFor } from './helpers.ts';
import { openClient } from './sdk.ts';

describe('the event envelope', () => {
  beforeEach(resetBackend);

  it('stores track, identify, group and alias with ids, timestamps and the shared context', async () => {
    const client = await openClient({ channel: 'store' });
    await client.eval(
      `history.replaceState(null, '', location.href + '&utm_source=newsletter&utm_campaign=spring&gclid=abc')`,
    );
    await client.call('track', 'Product Viewed', { product_id: 'p1', price: 12.5 });
    await client.call('identify', 'user-1', { email: 'a@example.com' });
    await client.call('group', 'company-9', { plan: 'pro' });
    await client.call('alias', 'user-1b');
    const anonymousId = await client.anonymousId();
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId });
      return stored.length === 4 && stored;
    });
    const [track, identify, group, alias] = events
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((e) => e.body);

    expect(track).to.include({ type: 'track', event: 'Product Viewed', anonymousId, userId: null });
    expect(track.properties).to.deep.equal({ product_id: 'p1', price: 12.5 });
    // Time-ordered: the first 9 characters are the event's time in ms (base 32), so ids sort by time.
    for (const event of [track, identify, group, alias]) {
      expect(event.messageId).to.match(/^[0-9a-v]{26}$/);
      expect(parseInt((event.messageId as string).slice(0, 9), 32)).to.equal(
        Date.parse(event.timestamp as string),
      );
    }
    expect(Date.parse(track.timestamp as string)).to.be.closeTo(Date.now(), 60_000);
    expect(Date.parse(track.sentAt as string)).to.be.at.least(Date.parse(track.timestamp as string));
    const context = track.context as Record<string, Record<string, unknown>>;
    expect(context.channel).to.equal('store');
    // 'dev' from source; the package's version in the dist group.
    const version = await client.eval('omnikitVersion');
    expect(version).to.match(/^(dev|\d+\.\d+\.\d+)$/);
    expect(context.library).to.deep.equal({ name: 'omnikit', version });
    expect(context.campaign).to.deep.equal({ source: 'newsletter', name: 'spring', gclid: 'abc' });
    expect(context.page.path).to.equal('/test/fixtures/esm.html');
    expect(context.page.url).to.match(/utm_source=newsletter/);
    expect(context.page.title).to.equal('Omnikit fixture: ESM');
    expect(context.locale).to.equal(navigator.language);
    // The zone, or on a first visit until the page is idle, a name for its offset (time-zone.test.ts).
    expect(context.timezone).to.be.oneOf([
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      zoneOfOffset(new Date().getTimezoneOffset()),
    ]);
    expect(context.userAgent).to.equal(navigator.userAgent);
    expect(context.session.id).to.be.a('number');

    expect(identify).to.include({ type: 'identify', userId: 'user-1', anonymousId });
    expect(identify.traits).to.deep.equal({ email: 'a@example.com' });
    expect(group).to.include({ type: 'group', groupId: 'company-9', userId: 'user-1' });
    expect(alias).to.include({ type: 'alias', userId: 'user-1b', previousId: 'user-1' });
    // One session and one page context for all of them.
    for (const event of [identify, group, alias]) {
      expect((event.context as typeof context).session).to.deep.equal(context.session);
    }
  });

  it('tracks a page view on load and on SPA route changes, but not for same-route or hash changes', async () => {
    const client = await openClient({ autoPage: true });
    const anonymousId = await client.anonymousId();
    await client.eval(`history.pushState(null, '', '/shop/shoes?color=red')`);
    await client.eval(`history.replaceState(null, '', '/shop/shoes?color=red')`); // same route
    await client.eval(`history.pushState(null, '', '/shop/shoes?color=red#reviews')`); // a jump on the page
    await client.eval(`history.replaceState(null, '', '/shop/bags')`);
    await client.eval(`history.pushState(null, '', '/shop/hats')`);
    // A route is read once the router has rendered it (a task later): one left within the same task
    // (a redirect) is no page view. So the customer stays a moment before going back to /shop/bags.
    await client.eval('new Promise((resolve) => setTimeout(resolve, 50))');
    await client.eval('history.back()');
    const pages = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId, type: 'page' });
      return stored.length >= 5 && stored;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The store keeps arrival order, which is the order of the calls.
    const paths = (await storedEvents({ anonymousId, type: 'page' })).map(
      (e) => (e.body.context as { page: { path: string } }).page.path,
    );
    expect(paths).to.deep.equal([
      '/test/fixtures/esm.html',
      '/shop/shoes',
      '/shop/bags',
      '/shop/hats',
      '/shop/bags',
    ]);
    const second = pages.find((e) => (e.body.properties as { path: string }).path === '/shop/shoes')!;
    // After an SPA navigation the referrer is the previous URL, as a full page load would have it.
    expect((second.body.properties as { referrer: string }).referrer).to.match(/\/test\/fixtures\/esm\.html/);
  });

  it('sends no automatic page view with autoPage off', async () => {
    const client = await openClient({ autoPage: false });
    await client.eval(`history.pushState(null, '', '/elsewhere')`);
    await client.call('track', 'Marker');
    const anonymousId = await client.anonymousId();
    await waitFor(async () => (await storedEvents({ anonymousId })).length === 1);
    expect((await storedEvents({ anonymousId })).map((e) => e.type)).to.deep.equal(['track']);
  });
});
