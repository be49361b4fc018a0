// Attribution in the browser: the session's traffic source on every event, first and last touch kept with
// the identity across reloads and visits, attached to conversions.
//
// Referrers are real: Chromium sets document.referrer itself when a page follows a link. A "search
// engine" is a page on http://www.google.omnikit.test (mapped to 127.0.0.1 by the runner's
// --host-resolver-rules, served by the same dev server: another origin than the shop on localhost),
// whose link leads to the shop; by the default Referrer-Policy (strict-origin-when-cross-origin) the
// shop sees `http://www.google.omnikit.test:PORT/`. A direct visit (typed URL, bookmark) is a link with
// rel=noreferrer: an empty document.referrer, as Chromium gives a typed URL.
import { expect } from '@open-wc/testing';
import {
  fixtureUrl,
  openDevice,
  resetBackend,
  type StoredEvent,
  storedEvents,
  type Tab,
  waitFor,
} from './helpers.ts';
import { type ClientPage, wrap } from './sdk.ts';

const shop = (params: Record<string, string | number> = {}, query = '') =>
  `${fixtureUrl({ autoPage: false, flushInterval: 50, ...params }, 'esm')}${query && `&${query}`}`;
const GOOGLE = `http://www.google.omnikit.test:${location.port}/test/fixtures/blank.html`;
const NEWSLETTER = 'utm_source=newsletter&utm_medium=email&utm_campaign=spring';

const SEARCH = { class: 'search', source: 'google', medium: 'organic' };
const EMAIL = { class: 'email', source: 'newsletter', medium: 'email', campaign: 'spring' };
const DIRECT = { class: 'direct', source: '(direct)', medium: '(none)' };

/** Follows a link from the tab's page to `url` (a fixture page), as a customer clicks one. */
async function follow(tab: Tab, url: string, { noreferrer = false } = {}): Promise<ClientPage> {
  const href = new URL(url).href;
  await tab.eval(`(() => {
    const a = Object.assign(document.createElement('a'), { id: 'go', href: ${JSON.stringify(href)}, textContent: 'go' });
    if (${noreferrer}) a.rel = 'noreferrer';
    document.body.append(a);
  })()`);
  await tab.act('click', '#go');
  await waitFor(async () => (await tab.eval('location.href')) === href, { message: `at ${href}` });
  if (url.includes('/blank.html')) return wrapless(tab);
  await waitFor(() => tab.eval('window.__omnikitReady'), { message: 'the client is ready' });
  return wrap(tab);
}
const wrapless = (tab: Tab) => tab as ClientPage;

/** A new device (empty storage) that lands on `url` from a Google search page. */
async function landFromGoogle(url: string): Promise<ClientPage> {
  const device = await openDevice(GOOGLE);
  return follow(device, url);
}

/** The stored track event named `event` (with `step` in its properties, when given), once it is there. */
async function stored(anonymousId: string, event: string, step?: string): Promise<StoredEvent['body']> {
  const found = await waitFor(
    async () =>
      (await storedEvents({ anonymousId, type: 'track' })).find(
        (e) =>
          e.body.event === event &&
          (step === undefined || (e.body.properties as { step?: string }).step === step),
      ),
    { message: `${event} ${step ?? ''} stored` },
  );
  return found.body;
}
interface Context {
  traffic?: Record<string, unknown>;
  attribution?: { first: Record<string, unknown>; last: Record<string, unknown> };
  page: { referrer: string };
  session: { id: number };
}
const contextOf = (body: StoredEvent['body']) => body.context as Context;
/** A touch as compared here: its traffic fields, without `at`. */
const fields = ({ at, ...touch }: Record<string, unknown> = {}) => touch;

describe('traffic and attribution', () => {
  beforeEach(resetBackend);

  it("tags every event with the session's traffic; a reload and internal navigation keep it", async () => {
    let page = await landFromGoogle(shop());
    const anonymousId = await page.anonymousId();
    await page.call('track', 'Landed');
    const landed = contextOf(await stored(anonymousId, 'Landed'));
    expect(landed.page.referrer).to.match(/^http:\/\/www\.google\.omnikit\.test:\d+\/$/);
    expect(landed.traffic).to.deep.equal(SEARCH);
    expect(landed.attribution, 'not a conversion').to.equal(undefined);

    await page.reload();
    page = await wrap(page);
    await page.call('track', 'Reloaded');
    // The page moves on inside the site: its referrer is the shop itself.
    page = await follow(page, shop({}, 'path=2'));
    await page.call('track', 'Inside');
    const inside = contextOf(await stored(anonymousId, 'Inside'));
    expect(inside.page.referrer).to.match(/^http:\/\/localhost:/);
    for (const context of [contextOf(await stored(anonymousId, 'Reloaded')), inside]) {
      expect(context.traffic).to.deep.equal(SEARCH);
      expect(context.session).to.deep.equal(landed.session);
    }
    await page.close();
  });

  it('reads utm parameters and click ids of a paid landing', async () => {
    const device = await openDevice(GOOGLE);
    const page = await follow(
      device,
      shop({}, 'utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0K'),
    );
    await page.call('track', 'Landed');
    const context = contextOf(await stored(await page.anonymousId(), 'Landed'));
    expect(context.traffic).to.deep.equal({
      class: 'paid',
      source: 'google',
      medium: 'cpc',
      campaign: 'brand',
      clickId: 'gclid=Cj0K',
    });
    await page.close();
  });

  it('attaches first and last touch to conversions; a later campaign changes last only; reloads and a direct visit keep them', async () => {
    let page = await landFromGoogle(shop());
    const anonymousId = await page.anonymousId();
    await page.call('track', 'Order Completed', { order_id: 'o1' });
    const first = contextOf(await stored(anonymousId, 'Order Completed'));
    expect(fields(first.attribution?.first)).to.deep.equal(SEARCH);
    expect(fields(first.attribution?.last)).to.deep.equal(SEARCH);
    expect(first.attribution?.first.at).to.be.a('number');

    // Days later, from the newsletter (opened in a mail app: no referrer).
    page = await follow(page, shop({}, NEWSLETTER), { noreferrer: true });
    await page.call('track', 'Checkout Started');
    const second = contextOf(await stored(anonymousId, 'Checkout Started'));
    expect(second.attribution?.first).to.deep.equal(first.attribution?.first);
    expect(fields(second.attribution?.last)).to.deep.equal(EMAIL);
    // A campaign in the middle of a session re-attributes it.
    expect(second.traffic).to.deep.equal(EMAIL);

    await page.reload();
    page = await wrap(page);
    await page.call('track', 'Order Completed', { step: 'reloaded' });
    // A direct visit (typed URL): last touch stays the newsletter.
    page = await follow(page, shop(), { noreferrer: true });
    await page.call('track', 'Form Submitted', { step: 'direct' });
    // localStorage lost (cleared by the browser, say): IndexedDB still has the touches.
    await page.eval(`localStorage.removeItem('omnikit:touches')`);
    page = await follow(page, shop({}, 'path=3'), { noreferrer: true });
    await page.call('track', 'Checkout Started', { step: 'idb' });
    for (const [event, step] of [
      ['Order Completed', 'reloaded'],
      ['Form Submitted', 'direct'],
      ['Checkout Started', 'idb'],
    ]) {
      const context = contextOf(await stored(anonymousId, event, step));
      expect(context.attribution, step).to.deep.equal(second.attribution);
    }
    expect(contextOf(await stored(anonymousId, 'Form Submitted')).page.referrer).to.equal('');
    await page.close();
  });

  it('a new session started by a direct visit is direct; attribution keeps the last touch', async () => {
    let page = await landFromGoogle(shop({ sessionTimeout: 1500 }, NEWSLETTER));
    const anonymousId = await page.anonymousId();
    await page.call('track', 'Landed');
    const landed = contextOf(await stored(anonymousId, 'Landed'));
    expect(landed.traffic).to.deep.equal(EMAIL);
    await new Promise((resolve) => setTimeout(resolve, 1700)); // idle past the session timeout
    await page.call('track', 'Idle Page'); // the same page, a new session
    page = await follow(page, shop({ sessionTimeout: 1500 }), { noreferrer: true });
    await page.call('track', 'Order Completed');
    const idle = contextOf(await stored(anonymousId, 'Idle Page'));
    const order = contextOf(await stored(anonymousId, 'Order Completed'));
    expect(idle.session.id).to.not.equal(landed.session.id);
    expect(order.session).to.deep.equal(idle.session);
    expect(idle.traffic).to.deep.equal(DIRECT);
    expect(order.traffic).to.deep.equal(DIRECT);
    expect(fields(order.attribution?.last)).to.deep.equal(EMAIL);
    await page.close();
  });

  it('reset() starts the next person with no touches, on this page and the next', async () => {
    let page = await landFromGoogle(shop({}, NEWSLETTER));
    await page.call('track', 'Landed');
    expect(contextOf(await stored(await page.anonymousId(), 'Landed')).traffic).to.deep.equal(EMAIL);
    await page.call('reset');
    await page.call('track', 'Order Completed');
    const next = await page.anonymousId();
    const order = contextOf(await stored(next, 'Order Completed'));
    expect(order.traffic).to.deep.equal(DIRECT);
    expect(fields(order.attribution?.first)).to.deep.equal(DIRECT);
    expect(fields(order.attribution?.last)).to.deep.equal(DIRECT);
    page = await follow(page, shop(), { noreferrer: true });
    await page.call('track', 'Checkout Started');
    const later = contextOf(await stored(next, 'Checkout Started'));
    expect(later.page.referrer).to.equal('');
    expect(later.attribution).to.deep.equal(order.attribution);
    await page.close();
  });

  // The chunk: /src/attribution/index.ts from source, omnikit-attribution.js from the script build.
  const CHUNK = 'attribution/index\\.ts|omnikit-attribution\\.js';

  it('sends events without traffic when the attribution chunk cannot be fetched', async () => {
    const device = await openDevice(GOOGLE);
    await device.block(CHUNK);
    const page = await follow(device, shop({}, NEWSLETTER));
    await page.call('track', 'Order Completed');
    const body = await stored(await page.anonymousId(), 'Order Completed');
    expect(contextOf(body).traffic).to.equal(undefined);
    expect(contextOf(body).attribution).to.equal(undefined);
    // The page's campaign is still there, as on every event.
    expect((body.context as { campaign: unknown }).campaign).to.deep.equal({
      source: 'newsletter',
      medium: 'email',
      name: 'spring',
    });
    await page.close();
  });

  it('holds events at most ~1.5 s for a chunk that never arrives, and reports it', async () => {
    const device = await openDevice(GOOGLE);
    await device.block(CHUNK, { hold: true });
    const page = await follow(device, shop({}, NEWSLETTER));
    const start = Date.now();
    await page.call('track', 'Order Completed');
    const body = await stored(await page.anonymousId(), 'Order Completed');
    expect(Date.now() - start).to.be.below(4000);
    expect(contextOf(body).traffic).to.equal(undefined);
    const errors = await page.errors();
    expect(
      errors.some((e) => e.code === 'internal' && /^attribution: .*no answer in 1500 ms/.test(e.message)),
    ).to.equal(true, JSON.stringify(errors));
    await page.close();
  });
});
