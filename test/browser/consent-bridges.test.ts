// The consent bridges: Google Consent Mode v2 (the choice mirrored to gtag's four signals) and IAB TCF
// v2.2 (the CMP's choice becomes the client's categories), each a chunk fetched only when turned on.
import { expect } from '@open-wc/testing';
import { fetchedCode } from './chunk-code.ts';
import { backend, openDevice, resetBackend, SDK_MODULE, type Tab, waitFor, writeKeys } from './helpers.ts';
import { pagePool } from './sdk.ts';

// Each bridge's code, in any build: the script tags' chunk, the npm build's, or the module from source.
const CONSENT_MODE_CODE = String.raw`omnikit-consent-?[mM]ode\.m?js|/src/consent/consent-mode\.ts`;
const TCF_CODE = String.raw`omnikit-tcf\.m?js|/src/consent/tcf\.ts`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in CMP with TCF v2.2's `__tcfapi`: `addEventListener` (version 2) registers the callback
 * and calls it at once with the current TCData, as CMPs do; `cmp.send(tcData, success)` calls every
 * listener with a change, each with its own `listenerId`.
 */
const CMP_STUB = `
  window.cmp = {
    listeners: [],
    current: undefined,
    send(tcData, success = true) {
      cmp.current = tcData;
      for (const { listenerId, callback } of cmp.listeners) callback({ ...tcData, listenerId }, success);
    },
  };
  window.__tcfapi = (command, version, callback) => {
    if (command !== 'addEventListener' || version !== 2) return callback(undefined, false);
    const listenerId = cmp.listeners.length + 1;
    cmp.listeners.push({ listenerId, callback });
    if (cmp.current) callback({ ...cmp.current, listenerId }, true);
  };`;

/** A gtag that records each call's arguments in `window.gtagCalls`. */
const GTAG_STUB = `window.gtagCalls = []; window.gtag = function () { gtagCalls.push([...arguments]); };`;

/** TCData with `eventStatus`, the GDPR applying unless said, and the purposes consented. */
const tcData = (eventStatus: string, purposes: number[], gdprApplies = true) => ({
  tcString: 'stand-in',
  tcfPolicyVersion: 5,
  eventStatus,
  cmpStatus: 'loaded',
  gdprApplies,
  purpose: {
    consents: Object.fromEntries(purposes.map((purpose) => [purpose, true])),
    legitimateInterests: {},
  },
});
const EVERY_PURPOSE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/**
 * A page running `setup` (stubs), then a client made with `config` (page JS), from source or, in the
 * `dist` group, the npm build; it records the `consent` events it hears in `window.heard`.
 */
async function shop(config: string, setup = ''): Promise<Tab> {
  const page = await openDevice('/test/fixtures/blank.html');
  await page.eval(`(async () => {
    ${setup}
    const { createOmnikit } = await ${SDK_MODULE};
    window.heard = [];
    window.errors = [];
    window.omnikit = createOmnikit({
      writeKey: '${writeKeys.test}', endpoint: '${backend.url}', autoPage: false, ${config}
    });
    omnikit.on('consent', (preferences) => heard.push(preferences));
    omnikit.on('error', (e) => errors.push({ code: e.code, message: e.message }));
  })()`);
  return page;
}

/**
 * A page running `setup` (stubs), then a script tag (`src`, with `data` as its data attributes) whose
 * client is `omnikit`.
 */
async function scriptTagShop(src: string, data: Record<string, string>, setup = ''): Promise<Tab> {
  const attributes = { 'write-key': writeKeys.test, endpoint: backend.url, 'auto-page': 'false', ...data };
  const page = await openDevice('/test/fixtures/blank.html');
  await page.eval(`new Promise((resolve, reject) => {
    ${setup}
    const script = document.createElement('script');
    script.src = ${JSON.stringify(src)};
    for (const [name, value] of Object.entries(${JSON.stringify(attributes)})) script.setAttribute('data-' + name, value);
    script.onload = resolve;
    script.onerror = () => reject(new Error('could not load ' + script.src));
    document.head.append(script);
  })`);
  return page;
}

const signals = (analytics: string, ads: string, personalization = ads) => ({
  analytics_storage: analytics,
  ad_storage: ads,
  ad_user_data: ads,
  ad_personalization: personalization,
});

describe('the consent bridges', () => {
  const { keep, closeAll } = pagePool();
  beforeEach(resetBackend);
  afterEach(closeAll);

  describe('Google Consent Mode v2', () => {
    it('sends an update when it starts with consent granted, then after every change', async () => {
      const page = keep(await shop('consentMode: true', GTAG_STUB));
      const calls = () => page.eval<unknown[][]>('gtagCalls');
      await waitFor(async () => (await calls()).length === 1, { message: 'the first update' });
      expect(await calls()).to.deep.equal([['consent', 'update', signals('granted', 'granted')]]);

      await page.eval('omnikit.consent.set({ marketing: false })');
      expect((await calls())[1]).to.deep.equal(['consent', 'update', signals('granted', 'denied')]);
      await page.eval('omnikit.consent.set({ marketing: true, personalization: false })');
      // Personalised ads need marketing and personalization both.
      expect((await calls())[2]).to.deep.equal([
        'consent',
        'update',
        signals('granted', 'granted', 'denied'),
      ]);
    });

    it('sends nothing while consent is pending, then the choice once made', async () => {
      const page = keep(await shop(`consentMode: true, consent: 'pending'`, GTAG_STUB));
      await waitFor(async () => (await fetchedCode(page, CONSENT_MODE_CODE)).length === 1, {
        message: 'the bridge fetched',
      });
      await sleep(200);
      expect(await page.eval('gtagCalls')).to.deep.equal([]);

      await page.eval('omnikit.consent.set({ analytics: true })');
      expect(await page.eval('gtagCalls')).to.deep.equal([
        ['consent', 'update', signals('granted', 'denied')],
      ]);
    });

    it("without gtag, queues the update on dataLayer as gtag's snippet does: an Arguments object", async () => {
      const page = keep(await shop(`consentMode: true, consent: { analytics: true }`));
      await waitFor(() => page.eval('window.dataLayer?.length === 1'), { message: 'dataLayer created' });
      expect(await page.eval('Object.prototype.toString.call(dataLayer[0])')).to.equal('[object Arguments]');
      expect(await page.eval('Array.isArray(dataLayer[0])')).to.equal(false);
      expect(await page.eval('[...dataLayer[0]]')).to.deep.equal([
        'consent',
        'update',
        signals('granted', 'denied'),
      ]);
    });

    it("keeps what the page's dataLayer already holds", async () => {
      const page = keep(await shop('consentMode: true', `window.dataLayer = [{ event: 'page_ready' }];`));
      await waitFor(() => page.eval('dataLayer.length === 2'), { message: 'the update queued' });
      expect(await page.eval('dataLayer[0]')).to.deep.equal({ event: 'page_ready' });
      expect(await page.eval('[...dataLayer[1]][0]')).to.equal('consent');
    });
  });

  describe('IAB TCF v2.2', () => {
    const state = (page: Tab) => page.eval<string>('omnikit.consent.state');
    const preferences = (page: Tab) => page.eval<Record<string, boolean>>('omnikit.consent.get()');
    const listening = (page: Tab) =>
      waitFor(() => page.eval('cmp.listeners.length === 1'), { message: 'the bridge listens' });

    it("applies the CMP's loaded choice: purpose 1 and each category's purposes", async () => {
      const loaded = tcData('tcloaded', [1, 2, 5, 6, 7, 8, 9, 10]); // no personalised ads (3, 4)
      const page = keep(
        await shop(`tcf: true, consent: 'pending'`, `${CMP_STUB} cmp.send(${JSON.stringify(loaded)});`),
      );
      await waitFor(async () => (await state(page)) === 'granted', { message: 'consent applied' });
      expect(await preferences(page)).to.deep.equal({
        necessary: true,
        analytics: true,
        marketing: false,
        personalization: true,
      });
      expect(await page.eval('heard.length')).to.equal(1);
    });

    it('applies each choice the customer completes later, and the page hears it', async () => {
      const page = keep(await shop(`tcf: true, consent: 'pending'`, CMP_STUB));
      await listening(page);
      await page.eval(`cmp.send(${JSON.stringify(tcData('cmpuishown', EVERY_PURPOSE))})`);
      await sleep(100);
      expect(await state(page)).to.equal('pending');

      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', EVERY_PURPOSE))})`);
      expect(await page.eval('heard')).to.deep.equal([
        { necessary: true, analytics: true, marketing: true, personalization: true },
      ]);
      // Purpose 1 withdrawn: nothing may be stored on the device, so no category holds.
      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', [2, 3, 4, 5, 6, 7, 8]))})`);
      expect(await page.eval('heard.length')).to.equal(2);
      expect(await preferences(page)).to.deep.equal({
        necessary: true,
        analytics: false,
        marketing: false,
        personalization: false,
      });
      expect(await state(page)).to.equal('denied');
    });

    it('changes nothing while the banner shows, nor on a failure', async () => {
      const loaded = tcData('tcloaded', [1, 8, 9, 10]);
      const page = keep(
        await shop(`tcf: true, consent: 'pending'`, `${CMP_STUB} cmp.send(${JSON.stringify(loaded)});`),
      );
      await waitFor(async () => (await state(page)) === 'granted', { message: 'consent applied' });
      const before = await preferences(page);
      expect(before.analytics).to.equal(true);

      await page.eval(`cmp.send(${JSON.stringify(tcData('cmpuishown', EVERY_PURPOSE))})`);
      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', EVERY_PURPOSE))}, false)`);
      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', []))}, false)`);
      await sleep(100);
      expect(await preferences(page)).to.deep.equal(before);
      expect(await page.eval('heard.length')).to.equal(1);
    });

    it('changes nothing where the GDPR does not apply', async () => {
      const page = keep(await shop(`tcf: true, consent: 'pending'`, CMP_STUB));
      await listening(page);
      await page.eval(`cmp.send(${JSON.stringify(tcData('tcloaded', EVERY_PURPOSE, false))})`);
      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', [], false))})`);
      await sleep(100);
      expect(await state(page)).to.equal('pending');
      expect(await page.eval('heard')).to.deep.equal([]);
    });

    it('reports a page without a CMP as invalid_config, and changes nothing', async () => {
      const page = keep(await shop(`tcf: true, consent: 'pending'`));
      await waitFor(() => page.eval('errors.length === 1'), { message: 'reported' });
      const [error] = await page.eval<{ code: string; message: string }[]>('errors');
      expect(error.code).to.equal('invalid_config');
      expect(error.message).to.match(/__tcfapi/);
      expect(await state(page)).to.equal('pending');
    });

    it('feeds Consent Mode too when both are on', async () => {
      const page = keep(await shop(`tcf: true, consentMode: true, consent: 'pending'`, CMP_STUB + GTAG_STUB));
      await listening(page);
      await page.eval(`cmp.send(${JSON.stringify(tcData('useractioncomplete', [1, 8, 9, 10]))})`);
      await waitFor(() => page.eval('gtagCalls.length === 1'), { message: 'the update' });
      expect(await page.eval('gtagCalls')).to.deep.equal([
        ['consent', 'update', signals('granted', 'denied')],
      ]);
    });
  });

  describe('chunks', () => {
    type Fetched = { consentMode: number; tcf: number };
    /** How many files of each bridge's code the page fetched. */
    const fetched = async (page: Tab): Promise<Fetched> => ({
      consentMode: (await fetchedCode(page, CONSENT_MODE_CODE)).length,
      tcf: (await fetchedCode(page, TCF_CODE)).length,
    });
    /** Waits for the page to have fetched `expected`, then a while more: nothing else comes. */
    const expectFetched = async (page: Tab, expected: Fetched) => {
      const same = async () => JSON.stringify(await fetched(page)) === JSON.stringify(expected);
      await waitFor(same, { message: `fetched ${JSON.stringify(expected)}` }).catch(() => {});
      await sleep(300);
      expect(await fetched(page)).to.deep.equal(expected);
    };

    it('are fetched only when turned on, each alone (npm build or source)', async () => {
      const none = keep(await shop(''));
      await expectFetched(none, { consentMode: 0, tcf: 0 });
      const off = keep(await shop('consentMode: false, tcf: false'));
      await expectFetched(off, { consentMode: 0, tcf: 0 });
      const consentMode = keep(await shop('consentMode: true'));
      await expectFetched(consentMode, { consentMode: 1, tcf: 0 });
      const tcf = keep(await shop('tcf: true', CMP_STUB));
      await expectFetched(tcf, { consentMode: 0, tcf: 1 });
    });

    it('from the script tag: a bare data attribute turns a bridge on, "false" off', async () => {
      const none = keep(await scriptTagShop('/dist/omnikit.js', { 'consent-mode': 'false', tcf: 'false' }));
      await expectFetched(none, { consentMode: 0, tcf: 0 });
      const consentMode = keep(await scriptTagShop('/dist/omnikit.js', { 'consent-mode': '' }));
      await expectFetched(consentMode, { consentMode: 1, tcf: 0 });
      expect(await consentMode.eval('[...dataLayer[0]]')).to.deep.equal([
        'consent',
        'update',
        signals('granted', 'granted'),
      ]);
    });

    it('from the tracker-only script tag too', async () => {
      const loaded = tcData('tcloaded', [1, 8, 9, 10]);
      const page = keep(
        await scriptTagShop(
          '/dist/omnikit-tracker.js',
          { tcf: '', consent: 'pending' },
          `${CMP_STUB} cmp.send(${JSON.stringify(loaded)});`,
        ),
      );
      await expectFetched(page, { consentMode: 0, tcf: 1 });
      await waitFor(() => page.eval(`omnikit.consent.state === 'granted'`), { message: 'consent applied' });
      expect(await page.eval('omnikit.consent.get()')).to.deep.equal({
        necessary: true,
        analytics: true,
        marketing: false,
        personalization: false,
      });
    });
  });
});
