// Form drafts on one device: drafts saved as the customer types and restored on the next visit, forms
// picked up when an SPA adds them, restores that never overwrite what the customer typed, a draft
// cleared only by a submission that succeeded, and drafts that expire. Real pages, real server.

import { expect } from '@open-wc/testing';
import { fetchedCode, thrown, watchThrown } from './chunk-code.ts';
import {
  addForm,
  BLANK,
  fillShipping,
  js,
  KEPT,
  openShop,
  reopen,
  shippingForm,
  shownIn,
  sleep,
  storedDraft,
} from './forms-page.ts';
import { fixtureUrl, resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, pagePool, wrap } from './sdk.ts';

const SAVED = 700; // the 300 ms debounce, IndexedDB, and room on a busy machine
/** URLs of the drafts code: the chunk of the script-tag build, or its modules from source. */
const DRAFTS_CODE = String.raw`omnikit-forms\.js|/src/forms/(index|fields|values|submit|draft|restore|visit-end|watch-fields)\.ts`;
const draftsCode = (page: ClientPage) => fetchedCode(page, DRAFTS_CODE);

/** The form events stored on the server for a device, as [event, properties]. */
async function formEvents(page: ClientPage) {
  const anonymousId = await page.anonymousId();
  await page.call('flush');
  const events = await storedEvents({ anonymousId, type: 'track' });
  return events.filter((e) => String(e.event).startsWith('Form ')).map((e) => [e.event, e.body.properties]);
}

/** Makes the form submit itself with fetch, answering `status`, as an SPA does. */
const submitsWithFetch = (page: ClientPage, status: number) =>
  page.eval(`{
    window.__status = ${status};
    document.querySelector('#shipping').onsubmit = (e) => {
      e.preventDefault();
      window.__answer = fetch('/test/echo?status=' + __status, { method: 'POST', body: new FormData(e.target) })
        .then((r) => r.status);
    };
  }`);

describe('form drafts on one device', function () {
  this.timeout(30_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('saves each field as the customer types and restores them all on the next visit, without a sync', async () => {
    const shop = await openShop(pool);
    await fillShipping(shop, KEPT, false);
    await sleep(SAVED);
    expect(await storedDraft(shop)).to.deep.equal(KEPT);

    const again = await reopen(shop);
    await waitFor(async () => (await shownIn(again)).name === KEPT.name, { message: 'restored' });
    const shown = await shownIn(again);
    expect(Object.fromEntries(Object.keys(KEPT).map((k) => [k, shown[k]]))).to.deep.equal(KEPT);

    const anonymousId = await again.anonymousId();
    await waitFor(async () => (await formEvents(again)).length === 3, { message: 'three form events' });
    expect(await formEvents(again)).to.deep.equal([
      ['Form Started', { form_id: 'shipping' }],
      ['Form Abandoned', { form_id: 'shipping' }], // the reload left the page with a change unsent
      ['Form Resumed', { form_id: 'shipping', fields: 10, from_anonymous_id: anonymousId }],
    ]);
    // Drafts stay on the device by default: no device registered, nothing synced or streamed.
    const sent = (await again.requests()).map((r) => new URL(r.url).pathname);
    expect(sent.filter((path) => /\/v1\/(devices|sync|stream)/.test(path))).to.deep.equal([]);
    expect(await again.errors()).to.deep.equal([]);
  });

  it('picks up a form an SPA adds long after load, and one watched by selector with an id', async () => {
    const shop = await pool.open({ flushInterval: 50 });
    await sleep(1000);
    await addForm(shop, `<div id="route">${shippingForm()}</div>`);
    await shop.act('fill', '[name=street]', '9 Late Lane');
    await sleep(SAVED);
    expect(await storedDraft(shop)).to.deep.equal({ street: '9 Late Lane' });
    // The route changes: the form goes, then comes back: picked up again, with the draft.
    await shop.eval(`document.querySelector('#route').remove()`);
    await sleep(100);
    await addForm(shop, `<div id="route">${shippingForm()}</div>`);
    await waitFor(async () => (await shownIn(shop)).street === '9 Late Lane', { message: 'filled again' });

    // A form without the attribute, watched by the page.
    await addForm(shop, `<form id="quote"><input name="company"></form>`);
    const handle = await shop.eval(`typeof omnikit.forms.watch('#quote', { id: 'quote' }).restore`);
    expect(handle).to.equal('function');
    await shop.act('fill', '#quote [name=company]', 'Acme');
    await sleep(SAVED);
    expect(await storedDraft(shop, 'quote')).to.deep.equal({ company: 'Acme' });
    // The same form again: the same handle.
    expect(
      await shop.eval(
        `omnikit.forms.watch('#quote') === omnikit.forms.watch(document.querySelector('#quote'))`,
      ),
    ).to.equal(true);
    // Not a form, no id, a bad selector: reported, never thrown, nothing watched.
    const answers = await shop.eval(`[
      omnikit.forms.watch('#nothing-here'),
      omnikit.forms.watch(document.body, { id: 'x' }),
      omnikit.forms.watch('<<<'),
      omnikit.forms.watch(null),
    ].map(String)`);
    expect(answers).to.deep.equal(['undefined', 'undefined', 'undefined', 'undefined']);
    expect((await shop.errors()).map((e) => e.code)).to.deep.equal(Array(4).fill('invalid_argument'));
  });

  it('fetches no drafts code until the page has a form to keep', async () => {
    const shop = await openShop(pool, {}, '<form id="search"><input name="q"></form>');
    expect(await shop.eval(`typeof omnikit.forms.watch`)).to.equal('function');
    await shop.act('fill', '[name=q]', 'boots');
    await sleep(300);
    // The drafts code is a chunk (omnikit-forms.js, or the modules from source).
    expect(await draftsCode(shop)).to.deep.equal([]);
    await addForm(shop);
    await waitFor(async () => (await draftsCode(shop)).length > 0, { message: 'loaded for a form' });
  });

  it('reports drafts code that cannot be loaded, and throws nothing into the page', async () => {
    const shop = await pool.open({ flushInterval: 50 });
    await watchThrown(shop);
    await shop.block(DRAFTS_CODE);
    await addForm(shop);
    expect(await shop.eval(`omnikit.forms.watch('#shipping').restore().then(() => 'settled')`)).to.equal(
      'settled',
    );
    await shop.eval(`omnikit.forms.watch('#shipping').complete()`);
    await sleep(100);
    expect((await shop.errors()).map((e) => e.code)).to.deep.equal(['internal']);
    expect(await thrown(shop)).to.deep.equal([]);
  });

  it('fills another tab’s changes live, but never a field the customer typed on this page', async () => {
    const first = await openShop(pool, {}, undefined, true);
    const second = await openShop(pool, {}, undefined, true);
    await first.eval(`omnikit.forms.watch('#shipping').discard()`); // tabs share the test's storage
    await second.act('fill', '[name=name]', 'Typed here');
    await first.act('fill', '[name=name]', 'Typed there');
    await first.act('fill', '[name=street]', '2 Other Street');
    await first.act('check', '[name=extras][value=gift]');
    await waitFor(async () => (await shownIn(second)).street === '2 Other Street', { message: 'live fill' });
    await sleep(SAVED);
    const shown = await shownIn(second);
    expect([shown.name, shown.street, shown.extras]).to.deep.equal([
      'Typed here',
      '2 Other Street',
      ['gift'],
    ]);
    await first.eval(`omnikit.forms.watch('#shipping').discard()`);
  });

  it('does not fill draft fields older than the page’s own values (data-omnikit-since)', async () => {
    const shop = await openShop(pool);
    await shop.act('fill', '[name=street]', 'Old street');
    await sleep(SAVED);
    const savedAt = Date.now();
    await shop.act('fill', '[name=notes]', 'Newer note');
    await sleep(SAVED);
    // The page's server saved the address in between: it renders it, newer than the draft's street.
    const again = await reopen(
      shop,
      shippingForm(
        `data-omnikit-form="shipping" data-omnikit-since="${new Date(savedAt).toISOString()}"`,
      ).replace('<input name="street"', '<input name="street" value="Saved street"'),
    );
    await waitFor(async () => (await shownIn(again)).notes === 'Newer note', { message: 'the newer field' });
    expect((await shownIn(again)).street).to.equal('Saved street');
  });

  it('lets the page rebuild repeated rows before their values are filled', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `<input name="item-${i}">`).join('');
    const shop = await openShop(pool, {}, `<form id="order" data-omnikit-form="order">${rows(1)}</form>`);
    await shop.eval(
      `document.querySelector('#order').insertAdjacentHTML('beforeend', ${js(rows(3).slice(rows(1).length))})`,
    );
    for (const i of [0, 1, 2]) await shop.act('fill', `[name=item-${i}]`, `line ${i}`);
    await sleep(SAVED);
    await shop.reload();
    const again = await wrap(shop);
    // The page renders one row; its hook adds the rows the draft needs, asynchronously, like a framework.
    await again.eval(`{
      document.body.insertAdjacentHTML('beforeend', ${js(`<form id="order">${rows(1)}</form>`)});
      const form = document.querySelector('#order');
      omnikit.forms.watch(form, {
        id: 'order',
        prepare: async (values) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          for (let i = form.elements.length; \`item-\${i}\` in values; i++)
            form.insertAdjacentHTML('beforeend', \`<input name="item-\${i}">\`);
        },
      });
    }`);
    await waitFor(async () => (await shownIn(again, '#order'))['item-2'] === 'line 2', { message: 'rows' });
    expect(await shownIn(again, '#order')).to.deep.equal({
      'item-0': 'line 0',
      'item-1': 'line 1',
      'item-2': 'line 2',
    });
  });

  it('keeps the draft through submits that fail validation, in the browser or the page', async () => {
    const shop = await openShop(pool);
    await fillShipping(shop, { street: '5 Kept Road' }, false);
    const kept = async (what: string) => {
      await sleep(SAVED);
      expect(await storedDraft(shop), what).to.deep.equal({ street: '5 Kept Road' });
    };
    // `name` is required and empty: the browser refuses (an `invalid` event, no submit).
    await shop.act('click', '[name=submit]');
    await kept('refused by the browser');
    expect(await shop.eval('location.pathname')).to.equal('/test/fixtures/esm.html');

    // A novalidate form: the submit happens, with a field the browser knows is invalid.
    await shop.eval(`document.querySelector('#shipping').noValidate = true;
      document.querySelector('#shipping').onsubmit = (e) => e.preventDefault()`);
    await shop.act('click', '[name=submit]');
    await kept('invalid, novalidate');

    // Valid, but the page's own check refuses it: preventDefault and no request.
    await shop.act('fill', '[name=name]', 'Mei');
    await shop.act('click', '[name=submit]');
    await sleep(SAVED);
    expect(await storedDraft(shop)).to.deep.equal({ street: '5 Kept Road', name: 'Mei' });

    // Sent with fetch, refused by the shop's server.
    await submitsWithFetch(shop, 422);
    await shop.act('click', '[name=submit]');
    expect(await shop.eval('__answer')).to.equal(422);
    await sleep(SAVED);
    expect(await storedDraft(shop)).to.deep.equal({ street: '5 Kept Road', name: 'Mei' });
    // The same submit again, accepted: the draft goes, one Form Submitted.
    await shop.eval('__status = 201');
    await shop.act('click', '[name=submit]');
    expect(await shop.eval('__answer')).to.equal(201);
    await waitFor(async () => !Object.keys(await storedDraft(shop)).length, { message: 'cleared' });
    await waitFor(async () => (await formEvents(shop)).some(([event]) => event === 'Form Submitted'));
    expect((await formEvents(shop)).map(([event]) => event)).to.deep.equal([
      'Form Started',
      'Form Submitted',
    ]);
  });

  it('clears the draft after a submit that navigates, and tracks Form Submitted', async () => {
    const shop = await openShop(pool);
    await fillShipping(shop, { name: 'Mei', street: '7 Gone Street' }, false);
    await sleep(SAVED);
    const back = fixtureUrl({ autoPage: false, flushInterval: 50 }, 'esm');
    await shop.eval(
      `document.querySelector('#shipping').action = '/test/echo?next=' + encodeURIComponent(${js(back)})`,
    );
    await shop.eval('window.__before = true');
    await shop.act('click', '[name=submit]');
    // The shop's server answered 303 to its next page: the same fixture, with the form on it again.
    await waitFor(
      async () => (await shop.eval('!window.__before && location.pathname')) === '/test/fixtures/esm.html',
      {
        message: 'the next page',
      },
    );
    const next = await wrap(shop);
    await addForm(next);
    await sleep(SAVED);
    expect(await storedDraft(next)).to.deep.equal({});
    expect(await shownIn(next)).to.deep.equal({ ...(await shownIn(next)), ...BLANK });
    const events = (await formEvents(next)).map(([event]) => event);
    expect(events).to.deep.equal(['Form Started', 'Form Submitted']);
  });

  it('completes and discards through the handle, and tracks a form left unsent as Form Abandoned', async () => {
    const shop = await openShop(pool);
    await shop.act('fill', '[name=street]', '3 Left Lane');
    await sleep(SAVED);
    const again = await reopen(shop); // leaving the page with a change: abandoned
    await waitFor(async () => (await shownIn(again)).street === '3 Left Lane');
    await again.eval(`omnikit.forms.watch('#shipping').discard()`);
    expect(await storedDraft(again)).to.deep.equal({});
    await again.act('fill', '[name=street]', '4 Done Drive');
    await sleep(SAVED);
    await again.eval(`omnikit.forms.watch('#shipping').complete()`);
    await sleep(SAVED);
    expect(await storedDraft(again)).to.deep.equal({});
    await waitFor(async () => (await formEvents(again)).length === 5, { message: '5 form events' });
    const events = await formEvents(again);
    expect(events.map(([event]) => event)).to.deep.equal([
      'Form Started',
      'Form Abandoned',
      'Form Resumed',
      'Form Started',
      'Form Submitted',
    ]);
    // Never a value: only the form's id (and, when resumed, how many fields and from which device).
    expect(JSON.stringify(events)).to.not.match(/Left|Done|Lane|Drive/);
  });

  it('lets drafts expire after maxAge', async () => {
    // Long enough that a loaded machine still restores it once; the wait after is longer still.
    const shop = await openShop(pool, { forms: js({ maxAge: 4000 }) });
    await shop.act('fill', '[name=street]', '8 Stale Street');
    await sleep(SAVED);
    let again = await reopen(shop, shippingForm());
    await waitFor(async () => (await shownIn(again)).street === '8 Stale Street', { message: 'still fresh' });
    await sleep(4500);
    again = await reopen(again, shippingForm());
    await sleep(SAVED);
    expect((await shownIn(again)).street).to.equal('');
    expect(await storedDraft(again)).to.deep.equal({}); // deleted, not just ignored
  });
});
