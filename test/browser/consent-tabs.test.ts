// A choice made in one tab holds in every open tab of the site at once (docs/privacy.md): a
// withdrawal stops the others' collection without waiting for their next load, and a tab whose
// banner still asks takes the answer given elsewhere.
import { expect } from '@open-wc/testing';
import { forgetDevice } from './device-storage.ts';
import { js, sleep } from './forms-page.ts';
import { resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, pagePool } from './sdk.ts';

const pool = pagePool();

/** A tab of the test's browser (shared storage) that records every `consent` event it hears. */
async function openSiteTab(consent: string): Promise<ClientPage> {
  const page = await pool.open({ consent, flushInterval: 50 }, { tab: true });
  await page.eval(`window.heard = []; omnikit.on('consent', (preferences) => heard.push(preferences))`);
  return page;
}

const eventsNamed = async (name: string) => (await storedEvents()).filter((e) => e.event === name);

describe('consent across the open tabs of a site', function () {
  this.timeout(30_000);
  beforeEach(resetBackend);
  afterEach(async () => {
    await pool.closeAll();
    await forgetDevice();
  });

  it('a withdrawal in one tab stops the other tabs at once: they track nothing more and keep nothing', async () => {
    const [banner, other] = [await openSiteTab('granted'), await openSiteTab('granted')];
    await other.call('track', 'Before');
    await waitFor(async () => (await eventsNamed('Before')).length === 1, { message: 'tracked before' });

    await banner.eval('omnikit.consent.deny()');
    await waitFor(() => other.eval<boolean>(`omnikit.consent.state === 'denied'`), {
      message: 'the other tab refuses too',
      timeout: 2000,
    });
    expect(await other.eval('omnikit.consent.get()')).to.deep.equal({
      necessary: true,
      analytics: false,
      marketing: false,
      personalization: false,
    });
    // Its page heard the change, so its own banner can show it.
    expect(await other.eval('heard.length')).to.equal(1);

    await other.call('track', 'After');
    await other.eval('omnikit.flush()');
    await sleep(300);
    expect(await eventsNamed('After')).to.deep.equal([]);
    // Nothing of the visitor written back by the other tab after the banner's tab removed it.
    expect(await other.eval(`document.cookie.includes('omnikit_aid=')`)).to.equal(false);
    expect(
      await other.eval(`Object.keys(localStorage).filter((k) => /^omnikit:(aid|user|session)/.test(k))`),
    ).to.deep.equal([]);
  });

  it('a tab whose banner still asks takes the answer given in another, and sends what waited with it', async () => {
    const [banner, other] = [await openSiteTab('pending'), await openSiteTab('pending')];
    await other.call('track', 'Waited');
    await banner.eval(`omnikit.consent.set({ analytics: true })`);
    const [waited] = await waitFor(
      async () => {
        const events = await eventsNamed('Waited');
        return events.length === 1 && events;
      },
      { message: "the other tab's waiting call sent" },
    );
    const context = waited.body.context as { consent: { categoryPreferences: Record<string, boolean> } };
    expect(context.consent.categoryPreferences).to.include({ analytics: true, marketing: false });
    expect(await other.eval('omnikit.consent.state')).to.equal('granted');
  });

  it('a choice is heard once in each tab: a tab does not pass on what it heard', async () => {
    const tabs = [await openSiteTab('pending'), await openSiteTab('pending'), await openSiteTab('pending')];
    await tabs[0].eval(`omnikit.consent.set({ analytics: true, marketing: false })`);
    await tabs[1].eval(`omnikit.consent.set({ marketing: true })`);
    for (const tab of tabs) {
      await waitFor(() => tab.eval<boolean>('heard.length === 2'), { message: `${tab.id} heard both` });
    }
    await sleep(300);
    for (const tab of tabs) {
      expect(await tab.eval('heard.length')).to.equal(2);
      expect(await tab.eval('omnikit.consent.get()')).to.include({ analytics: true, marketing: true });
    }
    // Anything else on the channel is no choice: it changes nothing and throws nothing.
    await tabs[0].eval(`new BroadcastChannel('omnikit-consent:test-key').postMessage(${js('deny')})`);
    await sleep(200);
    expect(await tabs[1].eval('omnikit.consent.get()')).to.include({ analytics: true, marketing: true });
    expect(await tabs[1].errors()).to.deep.equal([]);
  });
});
