// What continuity needs of consent (docs/privacy.md): the cart, handoff, chat and its sound, and
// signing in and out, are what the customer asked for (`necessary`): they work before any choice and
// under a refusal, while nothing is tracked. Form drafts need `personalization`.
import { expect } from '@open-wc/testing';
import { agent } from './agent.ts';
import { fetchedCode } from './chunk-code.ts';
import { forgetDevice } from './device-storage.ts';
import { addForm, fillShipping, js, openShop, sleep, storedDraft } from './forms-page.ts';
import { resetBackend, storedEvents, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, pagePool } from './sdk.ts';
import { withWidget } from './widget-page.ts';

const pool = pagePool();
/** The drafts chunk's files, in either build. */
const DRAFTS_CODE = String.raw`omnikit-forms\.m?js|/src/forms/index\.ts`;
const REFUSED = js({ analytics: false });
const sock = (quantity = 1) =>
  `omnikit.cart.add({ productId: 'sock', name: 'Wool sock', price: 9, currency: 'EUR', quantity: ${quantity} })`;

/** The server's live records of document `doc` (all profiles). */
const liveRecords = async (doc: string) =>
  (await storedRecords()).filter(
    (r) => (doc.endsWith(':') ? r.doc.startsWith(doc) : r.doc === doc) && !r.deleted,
  );

/** What the tracker would keep of a person on the device: its cookie and `omnikit:` identity keys. */
const trackerKept = (page: ClientPage) =>
  page.eval<string[]>(`[
    ...document.cookie.split('; ').filter((c) => c.startsWith('omnikit_aid=')),
    ...Object.keys(localStorage).filter((k) => /^omnikit:(aid|user|session|touches)/.test(k)),
  ]`);

describe('continuity under consent', function () {
  this.timeout(60_000);
  beforeEach(resetBackend);
  afterEach(async () => {
    await pool.closeAll();
    await forgetDevice();
  });

  it('the cart, handoff, chat and its sound need no choice: they work while it is pending and after deny(), and nothing is tracked', async () => {
    const page = withWidget(await pool.open({ consent: 'pending', widget: js({ sound: true }) }));
    await page.eval(sock());
    // Stored and synced before any choice: the cart is what the customer asked for.
    await waitFor(async () => (await liveRecords('cart')).length === 1, {
      message: 'the cart on the server',
    });
    expect(await page.eval(`omnikit.consent.state`)).to.equal('pending');

    await page.eval(`omnikit.consent.deny()`);
    await page.eval(sock(3));
    await waitFor(async () => (await liveRecords('cart')).some((r) => `${r.value}`.includes('"qty":4')), {
      message: 'a change after deny() on the server',
    });
    const made = await page.eval<{ url: string } | undefined>('omnikit.handoff.create()');
    expect(made?.url).to.match(/^http/);

    await page.openPanel();
    await page.send('Do you ship to Taipei?');
    await waitFor(
      async () => (await liveRecords('chat')).some((r) => JSON.stringify(r.value).includes('Taipei')),
      {
        message: 'the message on the server',
      },
    );
    await page.eval(`window.__beeps = 0;
      const make = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () { __beeps++; return make.call(this); };`);
    await agent.reply({ anonymousId: await page.anonymousId() }, 'We do!', 'Mia');
    await waitFor(async () => (await page.shown()).length === 2, { message: 'the reply shown' });
    await waitFor(() => page.eval<boolean>('__beeps === 1'), { message: 'one sound for the reply' });

    // None of it was tracked, and the tracker kept nothing of the person on the device.
    await page.eval(`omnikit.track('Refused')`);
    await sleep(300);
    expect(await storedEvents()).to.deep.equal([]);
    expect(await trackerKept(page)).to.deep.equal([]);
  });

  it('signing in and out need no choice: with everything refused, the cart follows the customer, and a log-out takes it off the device', async () => {
    const user = 'refuses-all-1';
    const phone = await pool.open({ consent: REFUSED });
    await identifyIn(phone, user);
    await phone.eval(sock(2));
    // On the server (in the guest's profile, the account's, or both while the link settles).
    await waitFor(async () => (await liveRecords('cart')).some((r) => `${r.value}`.includes('"qty":2')), {
      message: "the phone's cart on the server",
    });

    const laptop = await pool.open({ consent: REFUSED });
    await identifyIn(laptop, user);
    await waitFor(async () => JSON.stringify(await cartOf(laptop)) === js([['sock|', 2]]), {
      message: "the phone's cart on the laptop",
    });
    expect(await laptop.eval('omnikit.consent.state')).to.equal('denied');

    await laptop.eval('omnikit.reset()');
    await waitFor(async () => (await cartOf(laptop)).length === 0, {
      message: 'the cart gone after log-out',
    });
    const docs = await laptop.eval<string>(`(async () => {
      const db = await new Promise((resolve) => { const r = indexedDB.open('omnikit-docs-test-key'); r.onsuccess = () => resolve(r.result); });
      const all = await new Promise((resolve) => { const r = db.transaction('kv').objectStore('kv').getAll(); r.onsuccess = () => resolve(r.result); });
      db.close();
      return JSON.stringify(all) + JSON.stringify({ ...localStorage });
    })()`);
    expect(docs).not.to.contain('Wool sock');
    expect(await storedEvents()).to.deep.equal([]);
  });

  it('form drafts need personalization: none kept before it, kept once granted, discarded at once when withdrawn', async () => {
    const sync = { forms: js({ sync: true }) };
    const page = await openShop(pool, { ...sync, consent: js({ analytics: true }) });
    await fillShipping(page);
    await sleep(700); // past the 300 ms a draft waits for
    expect(await storedDraft(page)).to.deep.equal({});
    expect(await liveRecords('form:')).to.deep.equal([]);

    await page.eval(`omnikit.consent.set({ personalization: true })`);
    await page.act('fill', '#shipping [name=name]', 'Mei Lin');
    await waitFor(async () => (await storedDraft(page)).name === 'Mei Lin', { message: 'the draft kept' });
    await waitFor(async () => (await liveRecords('form:')).length > 0, { message: 'the draft synced' });

    await page.eval(`omnikit.consent.set({ personalization: false })`);
    await waitFor(async () => Object.keys(await storedDraft(page)).length === 0, {
      message: 'the draft off the device',
      timeout: 2000,
    });
    await waitFor(async () => (await liveRecords('form:')).length === 0, { message: 'and off the server' });
  });

  it('withdrawing personalization on a page without a form discards the drafts at once, on the device and the server', async () => {
    const sync = { forms: js({ sync: true }) };
    const shop = await openShop(pool, { ...sync, consent: 'granted' }, undefined, true);
    await fillShipping(shop);
    await waitFor(async () => (await storedDraft(shop)).name !== undefined, { message: 'the draft kept' });
    await waitFor(async () => (await liveRecords('form:')).length > 0, { message: 'the draft synced' });
    await shop.close();

    // The account page: no form, so the drafts code is not fetched until the withdrawal needs it.
    const account = await pool.open({ ...sync, consent: 'granted' }, { tab: true });
    await account.eval(`omnikit.consent.set({ personalization: false })`);
    await waitFor(async () => Object.keys(await storedDraft(account)).length === 0, {
      message: 'the draft off the device',
      timeout: 2000,
    });
    await waitFor(async () => (await liveRecords('form:')).length === 0, { message: 'and off the server' });
  });

  it('a page whose banner refuses personalization again at each load does not fetch the drafts code', async () => {
    const page = await pool.open({ consent: js({ analytics: true }) }, { tab: true });
    await page.eval(`omnikit.consent.set({ analytics: true, personalization: false })`);
    await page.eval(`omnikit.consent.deny()`);
    await sleep(300);
    expect(await fetchedCode(page, DRAFTS_CODE)).to.deep.equal([]);
  });

  it('a draft kept earlier is discarded, not restored, on the next page that refuses personalization', async () => {
    const kept = await openShop(pool, { consent: 'granted' }, undefined, true);
    await fillShipping(kept);
    await waitFor(async () => (await storedDraft(kept)).name !== undefined, { message: 'the draft kept' });
    await kept.close();

    const refusing = await pool.open({ consent: js({ analytics: true }) }, { tab: true });
    await addForm(refusing);
    await waitFor(async () => Object.keys(await storedDraft(refusing)).length === 0, {
      message: 'the draft discarded',
    });
    expect(await refusing.eval(`document.querySelector('#shipping [name=name]').value`)).to.equal('');
  });
});
