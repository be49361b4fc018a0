// Consent by category: what each category allows, on the events, the destinations and the device.
import { expect } from '@open-wc/testing';
import {
  backend,
  openDevice,
  resetBackend,
  SDK_MODULE,
  type StoredEvent,
  storedEvents,
  type Tab,
  waitFor,
  writeKeys,
} from './helpers.ts';

/** What the page keeps: the cookie, the `omnikit:` localStorage keys, every entry of every database. */
interface Kept {
  cookie: string;
  local: string[];
  entries: Record<string, string[]>;
}

/**
 * A page (URL query `query`) whose client sends to the Omnikit endpoint (analytics) and to an `ads`
 * destination that needs `marketing`, recording what it receives in `window.ads`. `gpc` turns
 * Global Privacy Control on before the SDK loads; `config` is more of the client's config (page JS).
 */
async function shop({ query = '', gpc = false, config = '' } = {}): Promise<Tab> {
  const page = await openDevice(`/test/fixtures/blank.html${query}`);
  await page.eval(`(async () => {
    if (${gpc}) Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    const { createOmnikit } = await ${SDK_MODULE};
    window.ads = [];
    window.heard = [];
    window.errors = [];
    const ads = {
      name: 'ads',
      categories: ['marketing'],
      send: async (batch) => (ads.received.push(...batch), { ok: true }),
      received: window.ads,
    };
    window.omnikit = createOmnikit({
      writeKey: '${writeKeys.test}', endpoint: '${backend.url}', autoPage: false, flushInterval: 20,
      destinations: [ads], ${config}
    });
    omnikit.on('consent', (preferences) => heard.push(preferences));
    omnikit.on('error', (e) => errors.push(e));
  })()`);
  return page;
}

const kept = (page: Tab) =>
  page.eval<Kept>(`(async () => {
    const entries = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve) => { const r = indexedDB.open(name); r.onsuccess = () => resolve(r.result); });
      const store = db.transaction('kv').objectStore('kv');
      entries[name] = await new Promise((resolve) => { const r = store.getAllKeys(); r.onsuccess = () => resolve(r.result.map(String)); });
      db.close();
    }
    return {
      cookie: document.cookie,
      local: Object.keys(localStorage).filter((key) => key.startsWith('omnikit:')).sort(),
      entries,
    };
  })()`);

const adsReceived = (page: Tab) => page.eval<{ event?: string }[]>('ads.map((e) => ({ event: e.event }))');
const named = (events: StoredEvent[], name: string) => events.filter((e) => e.event === name);
const preferencesOf = (event: StoredEvent) =>
  (event.body.context as { consent?: { categoryPreferences: Record<string, boolean> } }).consent
    ?.categoryPreferences;

describe('consent by category', () => {
  beforeEach(resetBackend);

  it('set() and get(): every event carries the choice in effect when it was made', async () => {
    const page = await shop({ config: `consent: 'pending'` });
    await page.eval(`omnikit.track('Waited')`);
    expect(await page.eval('omnikit.consent.get()')).to.deep.equal({
      necessary: true,
      analytics: false,
      marketing: false,
      personalization: false,
    });
    await page.eval(`omnikit.consent.set({ analytics: true, marketing: 'yes' })`);
    await page.eval(`omnikit.track('After')`);
    const events = await waitFor(async () => {
      const stored = await storedEvents();
      return stored.length === 2 && stored;
    });
    const chosen = { necessary: true, analytics: true, marketing: false, personalization: false };
    // The waiting event is made once a choice exists: it carries that choice.
    expect(preferencesOf(named(events, 'Waited')[0])).to.deep.equal(chosen);
    expect(preferencesOf(named(events, 'After')[0])).to.deep.equal(chosen);
    expect(await page.eval('omnikit.consent.state')).to.equal('granted');
    expect(await page.eval('heard')).to.deep.equal([chosen]);
    // Anything but an object is ignored; nothing throws into the page.
    await page.eval(`omnikit.consent.set(null); omnikit.consent.set('all'); omnikit.consent.set(42)`);
    expect(await page.eval('omnikit.consent.get()')).to.deep.equal(chosen);
    expect(await page.eval('errors')).to.deep.equal([]);
    await page.close();
  });

  it('a destination that needs marketing gets nothing while it is refused, and every later event once granted', async () => {
    const page = await shop({ config: `consent: { analytics: true }` });
    await page.eval(`for (let n = 0; n < 5; n++) omnikit.track('Before', { n })`);
    await waitFor(async () => (await storedEvents()).length === 5, { message: 'the endpoint has them' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await adsReceived(page)).to.deep.equal([]);
    const kept1 = await kept(page);
    expect(kept1.entries['omnikit-outbox-ads'] ?? []).to.deep.equal([]);

    await page.eval(`omnikit.consent.set({ marketing: true })`);
    await page.eval(`for (let n = 0; n < 5; n++) omnikit.track('After', { n })`);
    const received = await waitFor(async () => {
      const events = await adsReceived(page);
      return events.length === 5 && events;
    });
    expect(received.every((e) => e.event === 'After')).to.equal(true);
    await page.close();
  });

  it('Global Privacy Control refuses marketing by default: no click ids, no marketing destination, until the page sets it', async () => {
    const page = await shop({
      gpc: true,
      query: '?utm_source=news&utm_medium=email&gclid=ad-click-1&fbclid=ad-click-9',
    });
    await page.eval(`omnikit.track('Landed'); omnikit.page()`);
    expect(await page.eval('omnikit.consent.get().marketing')).to.equal(false);
    await page.eval(`omnikit.consent.grant()`); // "accept all" leaves it off too
    expect(await page.eval('omnikit.consent.get()')).to.include({ analytics: true, marketing: false });
    const [landed] = await waitFor(async () => {
      const events = named(await storedEvents(), 'Landed');
      return events.length === 1 && events;
    });
    const context = landed.body.context as Record<string, unknown>;
    expect(context.campaign).to.deep.equal({ source: 'news', medium: 'email' });
    expect(JSON.stringify(context.traffic ?? {})).not.to.contain('gclid');
    // Nor anywhere else in the events: the page's address and a page view's properties keep each
    // parameter's name, without its value.
    const [viewed] = await waitFor(async () => {
      const events = (await storedEvents()).filter((e) => e.type === 'page');
      return events.length === 1 && events;
    });
    for (const event of [landed, viewed]) expect(JSON.stringify(event.body)).not.to.match(/ad-click-[19]/);
    const url = (context.page as { url: string }).url;
    expect(url).to.match(/\?utm_source=news&utm_medium=email&gclid=&fbclid=$/);
    expect((viewed.body.properties as { url: string }).url).to.equal(url);
    expect((await kept(page)).local).not.to.include('omnikit:touches');

    // The page asked the customer, who said yes: now explicitly granted.
    await page.eval(`omnikit.consent.set({ marketing: true })`);
    await page.eval(`omnikit.track('Clicked')`);
    const [clicked] = await waitFor(async () => {
      const events = named(await storedEvents(), 'Clicked');
      return events.length === 1 && events;
    });
    expect((clicked.body.context as { campaign: object }).campaign).to.include({ gclid: 'ad-click-1' });
    expect((clicked.body.context as { page: { url: string } }).page.url).to.contain('gclid=ad-click-1');
    await waitFor(async () => (await adsReceived(page)).length === 1, { message: 'the ads destination' });
    await page.close();
  });

  it('withdrawing every category stops at once and removes what the tracker kept on the device', async () => {
    const page = await shop({ query: '?utm_source=news&gclid=ad-click-2' });
    await page.eval(`omnikit.identify('user-77', { plan: 'pro' }); omnikit.track('Kept')`);
    await waitFor(async () => (await storedEvents()).length === 2, { message: 'sent while granted' });
    const before = await kept(page);
    expect(before.cookie).to.contain('omnikit_aid=');
    expect(before.local).to.include.members(['omnikit:aid', 'omnikit:user', 'omnikit:touches']);
    expect(before.entries.omnikit).to.include.members(['aid', 'user', 'touches']);

    // Events made before the withdrawal but not sent yet must not leave either.
    await page.eval(`omnikit.track('Unsent'); omnikit.consent.deny()`);
    await page.eval(`omnikit.track('After Deny')`);
    const after = await waitFor(async () => {
      const now = await kept(page);
      return !now.cookie && now.local.length <= 1 && (now.entries.omnikit ?? []).length === 0 && now;
    });
    expect(after.local.filter((key) => key !== 'omnikit:format')).to.deep.equal([]);
    expect(after.entries['omnikit-outbox-http'] ?? []).to.deep.equal([]);
    expect(after.entries['omnikit-outbox-ads'] ?? []).to.deep.equal([]);
    expect(await page.eval('omnikit.consent.state')).to.equal('denied');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await storedEvents()).map((e) => e.event ?? e.type)).to.deep.equal(['identify', 'Kept']);
    expect(await page.eval('errors')).to.deep.equal([]);
    await page.close();
  });

  it('withdrawing analytics empties its outbox and stops it, while marketing goes on', async () => {
    const page = await shop();
    await page.eval(`omnikit.track('Both')`);
    await waitFor(async () => (await storedEvents()).length === 1, { message: 'endpoint' });
    await waitFor(async () => (await adsReceived(page)).length === 1, { message: 'ads' });
    await page.eval(`omnikit.consent.set({ analytics: false })`);
    await page.eval(`omnikit.track('Ads Only')`);
    await waitFor(async () => (await adsReceived(page)).length === 2, { message: 'ads goes on' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await storedEvents()).map((e) => e.event)).to.deep.equal(['Both']);
    expect((await kept(page)).entries['omnikit-outbox-http'] ?? []).to.deep.equal([]);
    await page.close();
  });

  it('withdrawing marketing removes the campaign touches from the device', async () => {
    const page = await shop({ query: '?utm_source=news&gclid=ad-click-3' });
    await page.eval(`omnikit.track('Landed')`);
    await waitFor(async () => (await kept(page)).local.includes('omnikit:touches'), {
      message: 'touches kept',
    });
    await page.eval(`omnikit.consent.set({ marketing: false })`);
    const after = await waitFor(async () => {
      const now = await kept(page);
      return (
        !now.local.includes('omnikit:touches') && !(now.entries.omnikit ?? []).includes('touches') && now
      );
    });
    expect(after.local).to.include('omnikit:aid'); // analytics still granted: the identity stays
    await page.close();
  });
});
