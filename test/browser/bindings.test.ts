// omnikit/react and omnikit/vue in SPAs bundled as an app bundles them (test/apps: one React shop
// bundled with React 18 and with React 19, one Vue 3 shop), each on the npm build's client
// (dist/omnikit.mjs): what the components show follows the cart across two devices, the chat's
// unread count and panel, consent, and a form draft. `npm run build` first (dist/omnikit-react.mjs…).
import { expect } from '@open-wc/testing';
import { agent } from './agent.ts';
import { resetBackend, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';

const APPS = { react18: 'react 18.3.1', react19: 'react 19.3.1', vue: 'vue 3.5.47' };
const FAST = { build: 'npm', flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };

/** What the element `selector` of the app shows. */
const shown = (page: ClientPage, selector: string) =>
  page.eval<string | null>(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`);

/** Waits until the element `selector` of `page`'s app shows `text`. */
const shows = (page: ClientPage, selector: string, text: string) =>
  waitFor(async () => (await shown(page, selector)) === text, {
    timeout: 8000,
    message: `${page.id} shows ${text} in ${selector}`,
  });

describe('the React and Vue bindings', function () {
  this.timeout(60_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  /** A device whose page made a client (`params`) and then mounted the app `name`. */
  async function openApp(name: keyof typeof APPS, params: Record<string, unknown> = {}) {
    const page = await pool.open({ ...FAST, ...params }, { fixture: 'esm' });
    await page.eval(`import('/test/app/${name}.js')`);
    // The framework the bundle really runs: React 19's bundle is not React 18's.
    await waitFor(async () => (await page.eval('window.__framework ?? null')) === APPS[name], {
      message: `${name} mounted`,
    });
    return page;
  }

  for (const name of Object.keys(APPS) as (keyof typeof APPS)[]) {
    it(`${name}: the cart a component shows follows the customer to a second device, and back`, async () => {
      const phone = await openApp(name);
      const laptop = await openApp(name);
      await identifyIn(phone, 'mei');
      await identifyIn(laptop, 'mei');
      await phone.act('click', '#add');
      await phone.act('click', '#add');
      await shows(phone, '#lines', 'Tee × 2');
      await shows(phone, '#total', '2 items, 39.9 EUR');
      await shows(laptop, '#lines', 'Tee × 2');
      await shows(laptop, '#total', '2 items, 39.9 EUR');
      await laptop.act('click', '#clear');
      await shows(phone, '#lines', '');
      await shows(phone, '#total', '0 items, 0');
    });

    it(`${name}: the chat's unread count and panel, consent, and a form draft, through the bindings`, async () => {
      const page = await openApp(name, { widget: true, consent: 'pending' });
      // Consent: pending until the customer chooses; the component follows the choice.
      expect(await shown(page, '#consent')).to.equal('pending, marketing off');
      await page.act('click', '#accept');
      await shows(page, '#consent', 'granted, marketing on');

      // The chat: an agent's reply counts unread on the page's own button, and opening reads it.
      await page.eval(`omnikit.cart.add({ productId: 'mug', name: 'Mug', price: 8 })`); // the device registers
      await shows(page, '#lines', 'Mug × 1');
      await agent.reply({ anonymousId: await page.anonymousId() }, 'Hello from the shop', 'Mia');
      await shows(page, '#help', 'Help (1)');
      await page.act('click', '#help');
      await shows(page, '#help', 'Help (0)');
      expect(await page.eval(`document.querySelector('#help').getAttribute('aria-pressed')`)).to.equal(
        'true',
      );

      // A draft of the form the component renders: typed, then restored on the next visit.
      await page.act('fill', '#shipping [name=street]', '1 Harbour Road');
      await new Promise((resolve) => setTimeout(resolve, 700)); // saved 300 ms after the last keystroke
      await page.reload();
      await page.eval(`import('/test/app/${name}.js')`);
      await waitFor(async () => (await page.eval('window.__framework ?? null')) === APPS[name]);
      // The shop's banner gives the customer's choice again on this page, as a consent manager does.
      await page.act('click', '#accept');
      await waitFor(
        () =>
          page.eval<boolean>(`document.querySelector('#shipping [name=street]')?.value === '1 Harbour Road'`),
        { message: 'the draft restored into the component’s form' },
      );
    });
  }
});
