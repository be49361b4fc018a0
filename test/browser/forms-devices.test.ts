// Form drafts across devices: a half-filled form on the phone shows on the laptop
// once the customer is identified on both; no excluded field ever leaves the page (the device's
// storage, its requests, the events and the server's database are searched for their values); a
// field typed on the laptop is never overwritten; a successful submit clears the draft everywhere;
// and without `forms.sync` nothing of a draft reaches the server.
import { expect } from '@open-wc/testing';
import {
  BLANK,
  deviceStorage,
  fillShipping,
  js,
  KEPT,
  openShop,
  reopen,
  SECRET_MARK,
  SECRETS,
  shownIn,
  sleep,
  storedDraft,
} from './forms-page.ts';
import { resetBackend, storedEvents, storedRecords, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';

const SYNC = { forms: js({ sync: true }) };
const SAVED = 700;
const HALF = { name: KEPT.name, street: KEPT.street, country: KEPT.country, extras: KEPT.extras };

/** The fields of KEPT the form shows. */
const keptShown = async (page: ClientPage) => {
  const shown = await shownIn(page);
  return Object.fromEntries(Object.keys(KEPT).map((k) => [k, shown[k]]));
};
const formRecords = async () => (await storedRecords()).filter((r) => r.doc.startsWith('form:'));

describe('form drafts across devices', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows the half-filled form of device A on device B once the customer is identified on both', async () => {
    const phone = await openShop(pool, SYNC);
    await fillShipping(phone, HALF, false);
    await sleep(SAVED);
    await identifyIn(phone, 'mei');
    const laptop = await openShop(pool, SYNC);
    await sleep(SAVED);
    expect(await keptShown(laptop)).to.deep.equal(BLANK); // not yet: nothing is shared before identify
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await shownIn(laptop)).name === KEPT.name, { message: 'the draft on B' });
    expect(await keptShown(laptop)).to.deep.equal({ ...BLANK, ...HALF });

    // Form Resumed on B names the device the draft came from.
    const phoneId = await phone.anonymousId();
    const laptopId = await laptop.anonymousId();
    await laptop.call('flush');
    const [resumed] = await waitFor(async () => {
      const events = await storedEvents({ anonymousId: laptopId, type: 'track' });
      return events.length && events;
    });
    expect([resumed.event, resumed.body.properties]).to.deep.equal([
      'Form Resumed',
      { form_id: 'shipping', fields: 4, from_anonymous_id: phoneId },
    ]);

    // Per field: what B types next shows on A, and A's edit of another field does not undo it.
    await sleep(500); // both streams open
    await laptop.act('fill', '[name=notes]', 'From the laptop');
    await phone.act('fill', '[name=street]', '2 New Street');
    await waitFor(async () => (await shownIn(phone)).notes === 'From the laptop', { message: 'B → A' });
    await waitFor(async () => (await shownIn(laptop)).street === '2 New Street', { message: 'A → B' });
    expect(await phone.errors()).to.deep.equal([]);
    expect(await laptop.errors()).to.deep.equal([]);
  });

  it('never lets an excluded field leave the page: not in storage, requests, events or the server', async () => {
    const phone = await openShop(pool, SYNC);
    await fillShipping(phone); // every kept field and every typeable secret
    await sleep(SAVED);
    await identifyIn(phone, 'mei');
    await phone.eval(`omnikit.track('Checkout Step', { step: 2 })`);
    const laptop = await openShop(pool, SYNC);
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await shownIn(laptop)).name === KEPT.name, { message: 'synced' });
    await sleep(SAVED);
    // The page still shows what was typed: nothing was taken from the customer.
    expect((await shownIn(phone)).cvv).to.equal('SECRET-cvv-7f3a');
    // Leaving the page saves and tracks too: make sure that path is covered.
    const phoneAgain = await reopen(phone);
    await sleep(SAVED);

    // The server's database: the draft holds the kept fields, and only them.
    const records = await formRecords(); // the phone's guest profile, and the account's
    expect([...new Set(records.map((r) => r.key))].sort()).to.deep.equal(Object.keys(KEPT).sort());
    expect(JSON.stringify(records)).to.not.include(SECRET_MARK);
    // The events the server stored, from both devices.
    const events = [
      ...(await storedEvents({ anonymousId: await phone.anonymousId() })),
      ...(await storedEvents({ anonymousId: await laptop.anonymousId() })),
    ];
    expect(events.map((e) => e.event)).to.include.members(['Form Started', 'Form Abandoned', 'Form Resumed']);
    expect(JSON.stringify(events)).to.not.include(SECRET_MARK);
    expect(JSON.stringify(events)).to.not.include(KEPT.street); // no field value in any event
    // Every request either device made: events, sync pushes and pulls, the stream.
    for (const page of [phoneAgain, laptop]) {
      const sent = await page.requests();
      expect(sent.some((r) => r.url.includes('/v1/sync') && r.body?.includes('form:shipping'))).to.equal(
        page === phoneAgain,
      );
      expect(JSON.stringify(sent)).to.not.include(SECRET_MARK);
    }
    // What each device keeps: documents, outboxes, identity, the localStorage journal, cookies.
    for (const page of [phoneAgain, laptop]) expect(await deviceStorage(page)).to.not.include(SECRET_MARK);
    // B's form: the secret fields stayed empty (markup values aside).
    const shown = await shownIn(laptop);
    for (const name of SECRETS.typed) expect(shown[name], name).to.equal('');
  });

  it('never overwrites a field the customer typed on B before the draft arrived', async () => {
    const phone = await openShop(pool, SYNC);
    await fillShipping(phone, HALF, false);
    await sleep(SAVED);
    await identifyIn(phone, 'mei');
    const laptop = await openShop(pool, SYNC);
    await laptop.act('fill', '[name=name]', 'Typed on the laptop');
    await laptop.act('check', '[name=extras][value=insurance]');
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await shownIn(laptop)).street === KEPT.street, { message: 'the draft on B' });
    await sleep(SAVED);
    const shown = await shownIn(laptop);
    expect([shown.name, shown.street, shown.country, shown.extras]).to.deep.equal([
      'Typed on the laptop',
      KEPT.street,
      KEPT.country,
      ['insurance'],
    ]);
  });

  it('keeps the draft on every device after a failed submit, and clears it everywhere after a 2xx', async () => {
    const phone = await openShop(pool, SYNC);
    await identifyIn(phone, 'mei'); // first, so the server holds the draft in the account's profile only
    await sleep(SAVED);
    await fillShipping(phone, HALF, false);
    await sleep(SAVED);
    const laptop = await openShop(pool, SYNC);
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await shownIn(laptop)).name === KEPT.name, { message: 'synced' });
    await laptop.eval(`{
      window.__status = 500;
      document.querySelector('#shipping').addEventListener('submit', (e) => {
        e.preventDefault();
        window.__answer = fetch('/test/echo?status=' + __status, { method: 'POST', body: new FormData(e.target) })
          .then((r) => r.status);
      });
    }`);
    await laptop.act('click', '[name=submit]');
    expect(await laptop.eval('__answer')).to.equal(500);
    await sleep(SAVED);
    expect(Object.keys(await storedDraft(phone)).sort()).to.deep.equal(Object.keys(HALF).sort());
    expect((await formRecords()).filter((r) => !r.deleted)).to.have.length(4);

    await laptop.eval('__status = 200');
    await laptop.act('click', '[name=submit]');
    expect(await laptop.eval('__answer')).to.equal(200);
    // Each device's disk catches up on its own: B pushes from memory while its IndexedDB still writes.
    await waitFor(async () => !Object.keys(await storedDraft(phone)).length, { message: 'cleared on A' });
    await waitFor(async () => !Object.keys(await storedDraft(laptop)).length, { message: 'cleared on B' });
    // On the server: tombstones, so a stale copy anywhere cannot bring the draft back.
    const records = await formRecords();
    expect(records.map((r) => [r.key, r.deleted]).sort()).to.deep.equal(
      Object.keys(HALF)
        .sort()
        .map((key) => [key, true]),
    );
    const reopened = await reopen(phone);
    await sleep(SAVED);
    expect(await keptShown(reopened)).to.deep.equal(BLANK);
  });

  it('keeps drafts on the device when the site does not sync them: nothing of them reaches the server', async () => {
    const phone = await openShop(pool); // no forms.sync
    await fillShipping(phone, HALF, false);
    await sleep(SAVED);
    await phone.eval(`omnikit.cart.add({ productId: 'tee', name: 'Tee', price: 20 })`); // the sync runs now
    await identifyIn(phone, 'mei');
    const laptop = await openShop(pool);
    await identifyIn(laptop, 'mei');
    await waitFor(async () => (await laptop.eval<unknown[]>('omnikit.cart.items()')).length, {
      message: 'the cart arrived: the devices are linked',
    });
    await sleep(SAVED);
    expect(await keptShown(laptop)).to.deep.equal(BLANK);
    expect(await formRecords()).to.deep.equal([]);
    const sent = await phone.requests();
    expect(sent.filter((r) => r.body?.includes('form:'))).to.deep.equal([]);
    // Still restored on the device itself.
    const again = await reopen(phone);
    await waitFor(async () => (await shownIn(again)).name === KEPT.name, { message: 'restored on A' });
  });

  it('syncs drafts when the script tag says data-forms-sync', async () => {
    const phone = await pool.open({ 'data-forms-sync': '' }, { fixture: 'script-tag' });
    const laptop = await pool.open({ 'data-forms-sync': 'true' }, { fixture: 'script-tag' });
    for (const page of [phone, laptop])
      await page.eval(
        `document.body.insertAdjacentHTML('beforeend', '<form data-omnikit-form="quote"><input name="company"></form>')`,
      );
    await phone.act('fill', '[name=company]', 'Acme');
    await sleep(SAVED);
    await identifyIn(phone, 'lin');
    await identifyIn(laptop, 'lin');
    await waitFor(
      async () => (await laptop.eval('document.querySelector("[name=company]").value')) === 'Acme',
      {
        message: 'synced through the script-tag build',
      },
    );
  });
});
