// A browser that ran the build before stored formats (test/fixtures/previous: e9836fc) loads today's
// code on the same origin: everything the previous build stored is read back and used, the format is
// stamped, and today's code writes the same keys in the same shapes. Property renaming by the minifier
// must never reach a stored key: this file also runs in the `dist` group, against dist/omnikit.js.
import { expect } from '@open-wc/testing';
import { FORMAT, LOCAL_FORMAT } from '../../src/storage/format.ts';
import { type DeviceStorage, entriesOf, readDevice, shapeOf, storedValue } from './device-storage.ts';
import {
  backend,
  fault,
  fixtureUrl,
  openTab,
  resetBackend,
  stats,
  storedEvents,
  storedRecords,
  type Tab,
  waitFor,
  writeKeys,
} from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, wrap } from './sdk.ts';

const js = JSON.stringify;
const USER = 'upgrade-user-1';
const NEWSLETTER = 'utm_source=newsletter&utm_medium=email&utm_campaign=spring';
const EMAIL = { class: 'email', source: 'newsletter', medium: 'email', campaign: 'spring' };
const RUNNER = { productId: 'runner', name: 'Runner', price: 59.9, currency: 'EUR' };
const TEE = { productId: 'tee', name: 'Tee', price: 19.95, currency: 'EUR' };
const SOCKS = { productId: 'socks', name: 'Socks', price: 4.5, currency: 'EUR' };
const FORM = '<form data-omnikit-form="address"><input name="city"><input name="zip"></form>';

const IDENTITY_DB = 'omnikit';
const OUTBOX_DB = 'omnikit-outbox-http';
const DOCS_DB = `omnikit-docs-${writeKeys.test}`;
const JOURNAL = `omnikit-journal:${writeKeys.test}`;
const HLC = /^[0-9a-z]{9}-[0-9a-z]{3}-[\w-]{8}$/;
const OUTBOX_KEY = /^[0-9a-z]{15}:[\w-]+$/;

const CONFIG = { autoPage: false, flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };
/** Fails every request a tab makes to the backend, as a network that cannot reach it. */
const cutOff = (tab: Tab) => tab.block(`^${backend.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`);

interface DocRecord {
  doc: string;
  key: string;
  value: unknown;
  hlc: string;
  p?: number;
}
interface Entry {
  event: { type: string; event?: string; messageId: string };
  bytes: number;
}
const records = (device: DeviceStorage) =>
  entriesOf(device, DOCS_DB).flatMap(([key, r]) => (key === 'm' ? [] : [r as DocRecord]));
const outbox = (device: DeviceStorage) => entriesOf(device, OUTBOX_DB).map(([, e]) => e as Entry);
const tracked = (device: DeviceStorage, name: string) =>
  outbox(device).find((e) => e.event.type === 'track' && e.event.event === name);
const pendingLine = (device: DeviceStorage, productId: string) =>
  records(device).find((r) => r.doc === 'cart' && r.key.startsWith(`${productId}|`) && r.p === 1);
const draftOf = (device: DeviceStorage, value: string) =>
  records(device).find((r) => r.doc === 'form:address' && (r.value as unknown[])[0] === value);
/**
 * An outbox entry's shape, less the campaign (only the previous build's page came from one) and the
 * consent every event carries since consent categories (an envelope field, not a stored format's).
 */
const entryShape = (entry: Entry | undefined) =>
  shapeOf(entry).filter(
    (path) => !path.startsWith('event.context.campaign') && !path.startsWith('event.context.consent'),
  );

/** Waits until the device holds what `ready` looks for, and answers it. */
const settled = (ready: (device: DeviceStorage) => unknown, message: string) =>
  waitFor(
    async () => {
      const device = await readDevice();
      return ready(device) ? device : undefined;
    },
    { message, timeout: 8000 },
  );

/** Stores every kind of data with the previous build, the backend cut off for the last writes and
 * failing them until the caller clears the fault. */
async function storeWithPreviousBuild(): Promise<DeviceStorage> {
  const page = await wrap(
    await openTab(`${fixtureUrl({ ...CONFIG, build: 'previous' }, 'esm')}&${NEWSLETTER}`),
  );
  expect(await page.eval('omnikitVersion')).to.be.a('string');
  const anonymousId = await page.anonymousId();
  await identifyIn(page, USER, { traits: { name: 'Mei Chen', plan: 'pro' } });
  await page.eval(`omnikit.track('Product Viewed', { product_id: 'runner' })`);
  await page.eval(`omnikit.cart.add(${js(RUNNER)})`);
  await page.eval(`document.body.insertAdjacentHTML('beforeend', ${js(FORM)})`);
  await page.act('fill', '[name=city]', 'Lyon');
  // Delivered and synced: the device is registered and linked, the runner line confirmed.
  await waitFor(
    async () =>
      (await storedEvents({ anonymousId })).filter((e) =>
        /Product (Viewed|Added)|Form Started/.test(`${e.event}`),
      ).length === 3,
    { message: 'the first events stored' },
  );
  await waitFor(async () =>
    (await storedRecords()).some((r) => r.doc === 'cart' && r.key.startsWith('runner|')),
  );
  await settled(
    (d) =>
      (storedValue(d, DOCS_DB, 'm') as { u?: boolean })?.u &&
      records(d).some((r) => r.key.startsWith('runner|') && !r.p) &&
      draftOf(d, 'Lyon'),
    'the runner line confirmed and the draft stored',
  );

  // Offline: the page's requests fail; its exit's keepalive send escapes the page's network (Chromium
  // sends it after the page is gone), so the backend fails that one.
  await cutOff(page);
  await fault.fail(10_000, 503, undefined, ['/v1/batch', '/v1/sync']);
  await page.eval(`omnikit.cart.add(${js(TEE)})`);
  await page.eval(`omnikit.track('Coupon Applied', { coupon: 'SPRING' })`);
  const device = await settled(
    (d) => tracked(d, 'Coupon Applied') && pendingLine(d, 'tee') && d.local[JOURNAL] === '[]',
    'the offline writes stored',
  );
  await page.close({ runBeforeUnload: true });
  // The keepalive send (if any) reaches the backend after close(), late on a loaded machine: the
  // fault stays until the test has looked at the backend, so it meets the fault whenever it comes.
  await waitFor(async () => (await stats()).byStatus['503'], { timeout: 5000 }).catch(() => {});
  return device;
}

/** Makes today's build store one of each kind of data again, with the backend cut off. */
async function storeWithTodaysBuild(page: ClientPage): Promise<DeviceStorage> {
  await cutOff(page);
  await page.eval(`omnikit.identify(${js(USER)}, { plan: 'team' })`);
  await page.eval(`omnikit.cart.add(${js(SOCKS)})`);
  await page.eval(`omnikit.track('Coupon Applied', { coupon: 'AUTUMN' })`);
  await page.act('fill', '[name=city]', 'Paris');
  return settled(
    (d) =>
      (storedValue(d, IDENTITY_DB, 'user') as { traits: { plan?: string } })?.traits.plan === 'team' &&
      outbox(d).some(
        (e) => (e.event as { properties?: { coupon?: string } }).properties?.coupon === 'AUTUMN',
      ) &&
      pendingLine(d, 'socks') &&
      draftOf(d, 'Paris') &&
      d.local[JOURNAL] === '[]',
    "today's writes stored",
  );
}

describe('a browser upgraded from the build before stored formats', () => {
  beforeEach(resetBackend);

  it('keeps everything the previous build stored, and stores the same keys and shapes', async () => {
    const before = await storeWithPreviousBuild();

    // What the previous build kept, in every place (docs/storage.md): the test must see it all.
    const anonymousId = storedValue(before, IDENTITY_DB, 'aid') as string;
    expect(before.cookies.omnikit_aid).to.equal(anonymousId);
    expect(JSON.parse(before.local['omnikit:aid'])).to.equal(anonymousId);
    expect(storedValue(before, IDENTITY_DB, 'user')).to.deep.equal({
      userId: USER,
      traits: { name: 'Mei Chen', plan: 'pro' },
    });
    expect(JSON.parse(before.local['omnikit:user'])).to.deep.equal(storedValue(before, IDENTITY_DB, 'user'));
    // (As JSON: IndexedDB also keeps properties set to undefined, such as a touch's clickId.)
    expect(JSON.parse(before.local['omnikit:touches'])).to.deep.equal(
      JSON.parse(js(storedValue(before, IDENTITY_DB, 'touches'))),
    );
    const { first, session: landing } = JSON.parse(before.local['omnikit:touches']);
    expect({ ...first, at: undefined }).to.deep.equal({ ...EMAIL, at: undefined });
    const session = JSON.parse(before.local['omnikit:session']) as { id: number };
    expect(landing.id).to.equal(session.id);
    const meta = storedValue(before, DOCS_DB, 'm') as { t: string; c: string; i: string; u: boolean };
    expect(Object.keys(meta).sort()).to.deep.equal(['c', 'i', 't', 'u']);
    const queued = outbox(before).map((e) => e.event.messageId);
    expect(queued).to.have.length(2); // Product Added (the tee) and Coupon Applied
    for (const [key, e] of entriesOf(before, OUTBOX_DB))
      expect(key)
        .to.match(OUTBOX_KEY)
        .and.satisfy((k: string) => k.endsWith(`:${(e as Entry).event.messageId}`));
    for (const [key, r] of entriesOf(before, DOCS_DB))
      if (key !== 'm') expect((r as DocRecord).hlc).to.equal(key);
    expect(Object.keys(before.databases).sort()).to.deep.equal([IDENTITY_DB, DOCS_DB, OUTBOX_DB].sort());
    expect(Object.values(before.databases).map((d) => d.version)).to.deep.equal([1, 1, 1]);
    expect(before.local[LOCAL_FORMAT]).to.equal(undefined);
    // Nothing of the offline writes reached the backend, not even at the page's exit.
    for (const messageId of queued) expect(await storedEvents({ messageId })).to.have.length(0);
    expect((await storedRecords()).filter((r) => r.key.startsWith('tee|'))).to.have.length(0);
    await fault.clear();

    // Today's build on the same origin, a direct visit: the same device, customer and session.
    const page = await wrap(await openTab(fixtureUrl(CONFIG, 'esm')));
    expect(await page.anonymousId()).to.equal(anonymousId);
    // The queued events are delivered, each exactly once.
    for (const messageId of queued)
      await waitFor(async () => (await storedEvents({ messageId })).length, {
        message: `${messageId} delivered`,
      });
    // The cart: the confirmed line, and the pending one pushed, with the same device token.
    await waitFor(
      async () =>
        js(await cartOf(page)) ===
        js([
          ['runner|', 1],
          ['tee|', 1],
        ]),
      {
        message: 'both cart lines',
      },
    );
    await waitFor(async () => (await storedRecords()).some((r) => r.key === 'tee|' && !r.deleted), {
      message: 'the pending line pushed',
    });
    const sent = await page.requests();
    expect(sent.filter((r) => r.url.includes('/v1/devices'))).to.deep.equal([]);
    const firstSync = sent.find((r) => r.url.endsWith('/v1/sync'));
    expect(JSON.parse(firstSync?.body ?? '{}').cursor).to.equal(meta.c);
    // The draft restores.
    await page.eval(`document.body.insertAdjacentHTML('beforeend', ${js(FORM)})`);
    await waitFor(async () => (await page.eval('document.querySelector("[name=city]").value')) === 'Lyon', {
      message: 'the draft restored',
    });
    // Same user, same session and its traffic source, the first touch credited.
    await page.eval(`omnikit.track('Order Completed', { order_id: 'o-1', total: 79.85 })`);
    const completed = await waitFor(async () =>
      (await storedEvents({ anonymousId, type: 'track' })).find((e) => e.event === 'Order Completed'),
    );
    const context = completed.body.context as {
      session: { id: number };
      traffic: unknown;
      attribution: { first: { at: number } };
    };
    expect(completed.userId).to.equal(USER);
    expect(context.session.id).to.equal(session.id);
    expect(context.traffic).to.deep.equal(EMAIL);
    expect({ ...context.attribution.first, at: undefined }).to.deep.equal({ ...EMAIL, at: undefined });
    for (const messageId of queued) expect(await storedEvents({ messageId })).to.have.length(1);
    expect(await page.errors()).to.deep.equal([]);

    // The format is stamped, and today's writes have the previous build's keys and shapes.
    const after = await storeWithTodaysBuild(page);
    expect(after.local[LOCAL_FORMAT]).to.equal(String(FORMAT));
    expect(Object.keys(after.databases).sort()).to.deep.equal(Object.keys(before.databases).sort());
    for (const [name, db] of Object.entries(after.databases)) {
      expect(db.version, name).to.equal(FORMAT);
      expect(Object.keys(db.stores), name).to.deep.equal(Object.keys(before.databases[name].stores));
    }
    // New since that build: the format stamp, the time zone kept by offset (src/identity/time-zone.ts)
    // and the sync meta's stamp (src/sync/meta-stamp.ts).
    const added = [
      LOCAL_FORMAT,
      `omnikit:tz:${new Date().getTimezoneOffset()}`,
      `omnikit-meta:${writeKeys.test}`,
    ];
    expect(Object.keys(after.local).sort()).to.deep.equal([...Object.keys(before.local), ...added].sort());
    for (const key of Object.keys(before.local))
      expect(shapeOf(JSON.parse(after.local[key])), key).to.deep.equal(
        shapeOf(JSON.parse(before.local[key])),
      );
    expect(after.cookies).to.deep.equal(before.cookies);
    expect(entriesOf(after, IDENTITY_DB).map(([key]) => key)).to.deep.equal(['aid', 'touches', 'user']);
    for (const key of ['aid', 'touches', 'user'])
      expect(shapeOf(storedValue(after, IDENTITY_DB, key)), key).to.deep.equal(
        shapeOf(storedValue(before, IDENTITY_DB, key)),
      );
    expect(entryShape(tracked(after, 'Coupon Applied'))).to.deep.equal(
      entryShape(tracked(before, 'Coupon Applied')),
    );
    for (const [key] of entriesOf(after, OUTBOX_DB)) expect(key).to.match(OUTBOX_KEY);
    expect(shapeOf(storedValue(after, DOCS_DB, 'm'))).to.deep.equal(shapeOf(meta));
    expect(storedValue(after, DOCS_DB, 'm')).to.include({ t: meta.t, i: meta.i, u: true });
    expect(shapeOf(pendingLine(after, 'socks'))).to.deep.equal(shapeOf(pendingLine(before, 'tee')));
    expect(shapeOf(draftOf(after, 'Paris'))).to.deep.equal(shapeOf(draftOf(before, 'Lyon')));
    for (const [key] of entriesOf(after, DOCS_DB)) expect(key === 'm' || HLC.test(key), key).to.equal(true);
    await page.close();
  });
});
