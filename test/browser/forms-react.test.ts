// Form drafts in React: a React 18 controlled form (React is a test-only dependency, loaded from its
// UMD build) restores into React's state, so submitting it sends the restored values; the fetch
// submit's 2xx then clears the draft.
import { expect } from '@open-wc/testing';
import { js, sleep, storedDraft } from './forms-page.ts';
import { resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';

const SYNC = { flushInterval: 50, forms: js({ sync: true }) };
const SAVED = 700;

/** What the draft should carry into React's state. */
const EXPECTED = {
  name: 'Mei Chen',
  street: '1 Harbour Road',
  notes: 'Leave at the door',
  country: 'fr',
  slots: ['am', 'eve'],
  extras: ['gift', 'express'],
  speed: 'fast',
  newsletter: true,
};

/** Renders a checkout form whose every field is controlled by React state; it submits with fetch. */
async function renderReactForm(page: ClientPage): Promise<void> {
  await page.eval(`(async () => {
    for (const src of ['/node_modules/react/umd/react.production.min.js', '/node_modules/react-dom/umd/react-dom.production.min.js'])
      await new Promise((resolve, reject) => {
        const s = Object.assign(document.createElement('script'), { src, onload: resolve, onerror: reject });
        document.head.append(s);
      });
    const { createElement: h, useState } = React;
    const blank = { name: '', street: '', notes: '', country: '', slots: [], extras: [], speed: '', newsletter: false };
    function Checkout() {
      const [v, setV] = useState(blank);
      window.__state = v;
      const text = (key) => ({ name: key, value: v[key], onChange: (e) => setV((s) => ({ ...s, [key]: e.target.value })) });
      const toggle = (x) => (s) => ({ ...s, extras: s.extras.includes(x) ? s.extras.filter((y) => y !== x) : [...s.extras, x] });
      const submit = (e) => {
        e.preventDefault();
        window.__sent = v;
        window.__answer = fetch('/test/echo', { method: 'POST', body: JSON.stringify(v) }).then((r) => r.status);
      };
      return h('form', { id: 'checkout', 'data-omnikit-form': 'react-checkout', onSubmit: submit },
        h('input', text('name')),
        h('input', text('street')),
        h('textarea', text('notes')),
        h('select', text('country'), ['', 'de', 'fr'].map((c) => h('option', { key: c, value: c }, c || '-'))),
        h('select', { name: 'slots', multiple: true, value: v.slots,
          onChange: (e) => setV((s) => ({ ...s, slots: [...e.target.selectedOptions].map((o) => o.value) })) },
          ['am', 'pm', 'eve'].map((x) => h('option', { key: x, value: x }, x))),
        ['gift', 'insurance', 'express'].map((x) =>
          h('input', { key: x, type: 'checkbox', name: 'extras', value: x, checked: v.extras.includes(x), onChange: () => setV(toggle(x)) })),
        ['standard', 'fast'].map((x) =>
          h('input', { key: x, type: 'radio', name: 'speed', value: x, checked: v.speed === x, onChange: () => setV((s) => ({ ...s, speed: x })) })),
        h('input', { type: 'checkbox', name: 'newsletter', checked: v.newsletter,
          onChange: (e) => setV((s) => ({ ...s, newsletter: e.target.checked })) }),
        h('button', { type: 'submit' }, 'Pay'));
    }
    const root = document.body.appendChild(document.createElement('div'));
    ReactDOM.createRoot(root).render(h(Checkout));
    await new Promise((resolve) => setTimeout(resolve, 50));
  })()`);
}

describe('a React 18 controlled form', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('restores into React state on another device, and submitting sends the restored values', async () => {
    const phone = await pool.open(SYNC);
    await renderReactForm(phone);
    // Typed for real: React keeps every keystroke in its state, Omnikit reads the DOM.
    for (const [name, value] of Object.entries({
      name: EXPECTED.name,
      street: EXPECTED.street,
      notes: EXPECTED.notes,
    }))
      await phone.act('fill', `#checkout [name=${name}]`, value);
    await phone.act('select', '#checkout [name=country]', ['fr']);
    await phone.act('select', '#checkout [name=slots]', EXPECTED.slots);
    for (const x of EXPECTED.extras) await phone.act('check', `#checkout [name=extras][value=${x}]`);
    await phone.act('check', '#checkout [name=speed][value=fast]');
    await phone.act('check', '#checkout [name=newsletter]');
    expect(await phone.eval('__state')).to.deep.equal(EXPECTED);
    await sleep(SAVED);
    await identifyIn(phone, 'mei');

    const laptop = await pool.open(SYNC);
    await renderReactForm(laptop);
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await laptop.eval<{ name: string }>('__state')).name === EXPECTED.name, {
      message: 'React state restored',
    });
    await sleep(300);
    expect(await laptop.eval('__state')).to.deep.equal(EXPECTED);

    // A customer click on "Pay": React's own onSubmit sends its state.
    await laptop.act('click', '#checkout button');
    expect(await laptop.eval('__answer')).to.equal(200);
    expect(await laptop.eval('__sent')).to.deep.equal(EXPECTED);
    // The 2xx answered the submit React took over: the draft goes, on both devices.
    await waitFor(async () => !Object.keys(await storedDraft(laptop, 'react-checkout')).length, {
      message: 'cleared on B',
    });
    await waitFor(async () => !Object.keys(await storedDraft(phone, 'react-checkout')).length, {
      message: 'cleared on A',
    });
    const events = await waitFor(async () => {
      await laptop.call('flush');
      const stored = await storedEvents({ anonymousId: await laptop.anonymousId(), type: 'track' });
      return stored.length >= 2 && stored;
    });
    expect(events.map((e) => e.event)).to.deep.equal(['Form Resumed', 'Form Submitted']);
    expect(await laptop.errors()).to.deep.equal([]);
  });

  it('never overwrites what the customer typed into React before the draft arrived', async () => {
    const phone = await pool.open(SYNC);
    await renderReactForm(phone);
    await phone.act('fill', '#checkout [name=name]', 'From the phone');
    await phone.act('fill', '#checkout [name=street]', '1 Harbour Road');
    await sleep(SAVED);
    await identifyIn(phone, 'mei');
    const laptop = await pool.open(SYNC);
    await renderReactForm(laptop);
    await laptop.act('fill', '#checkout [name=name]', 'Typed on the laptop');
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await laptop.eval<{ street: string }>('__state')).street === '1 Harbour Road');
    const state = await laptop.eval<{ name: string }>('__state');
    expect(state.name).to.equal('Typed on the laptop');
  });
});
