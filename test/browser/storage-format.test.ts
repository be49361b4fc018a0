// The stored format's migration path (src/storage/format.ts), and what today's code does with a
// profile a newer script wrote: it leaves it as it found it, and keeps tracking in memory.
import { expect } from '@open-wc/testing';
import {
  FORMAT,
  LOCAL_FORMAT,
  type Migration,
  openFormatted,
  upgradeLocal,
} from '../../src/storage/format.ts';
import { type DeviceStorage, forgetDevice, readDevice, writeDevice } from './device-storage.ts';
import { backend, openTab, resetBackend, storedEvents, waitFor, writeKeys } from './helpers.ts';
import type { ClientPage } from './sdk.ts';

const js = JSON.stringify;
const NEWER = FORMAT + 1;
const CONFIG = { autoPage: false, flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };

const opened = (request: IDBOpenDBRequest) =>
  new Promise<IDBDatabase>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
const all = (db: IDBDatabase) =>
  new Promise<unknown[]>((resolve) => {
    const get = db.transaction('kv').objectStore('kv').getAll();
    get.onsuccess = () => resolve(get.result);
  });
const put = (store: IDBObjectStore, value: unknown, key: string) =>
  new Promise((resolve, reject) => {
    const r = store.put(value, key);
    r.onsuccess = resolve;
    r.onerror = () => reject(r.error);
  });

/**
 * A tab of this browser with today's client from the source, listening for errors from its creation
 * on (a database that fails to open is reported before a listener added later could hear it).
 */
async function openClientTab(): Promise<ClientPage> {
  const tab = await openTab('/test/fixtures/blank.html');
  await tab.eval(`import('/src/index.ts').then(({ createOmnikit }) => {
    window.omnikit = createOmnikit(${js({ ...CONFIG, endpoint: backend.url, writeKey: writeKeys.test })});
    window.__errors = [];
    omnikit.on('error', (e) => __errors.push({ code: e.code, message: e.message }));
  })`);
  return {
    ...tab,
    call: (method, ...args) => tab.eval(`omnikit.${method}(...${js(args)})`),
    anonymousId: () => tab.eval('omnikit.ready().then(() => omnikit.anonymousId())'),
    errors: () => tab.eval('__errors'),
  };
}

/** Two steps that leave a trace of each run: in the store, and in `runs`. */
function steps(runs: string[], fail = false): Migration[] {
  return [2, 3].map((format) => ({
    async idb(store, name) {
      runs.push(`idb ${format} ${name}`);
      await put(store, `made by step ${format}`, `step${format}`);
      if (fail && format === 3) throw new Error('a broken step');
    },
    local() {
      runs.push(`local ${format}`);
      localStorage.setItem(`step${format}`, localStorage.getItem(`step${format - 1}`) ?? 'none');
    },
  }));
}

/** A profile at a format newer than this code's, in shapes this code does not know. */
const FUTURE: DeviceStorage = {
  databases: {
    omnikit: { version: NEWER, stores: { kv: [['person', { id: 'future-anon-0001', user: 'u-9' }]] } },
    'omnikit-outbox-http': {
      version: NEWER,
      stores: { kv: [['q:1', { envelope: { type: 'track', event: 'Future Event' }, size: 40 }]] },
    },
    [`omnikit-docs-${writeKeys.test}`]: {
      version: NEWER,
      stores: { kv: [['meta', { token: 'future-token', cursor: 'c-9' }]] },
    },
  },
  local: {
    [LOCAL_FORMAT]: String(NEWER),
    'omnikit:aid': js({ id: 'future-anon-0001' }),
    'omnikit:session': js({ started: 1 }),
    [`omnikit-journal:${writeKeys.test}`]: js({ records: [{ at: 1 }] }),
  },
  cookies: { omnikit_aid: 'future-anon-0001' },
};

describe('the stored format', () => {
  beforeEach(async () => {
    await resetBackend();
    await forgetDevice();
  });

  it('takes a database through the steps it missed, in order and once, before anything reads it', async () => {
    const runs: string[] = [];
    // A format-1 database with data, as the build before formats left it.
    await writeDevice({
      databases: { old: { version: 1, stores: { kv: [['cart', 'kept']] } } },
      local: {},
      cookies: {},
    });
    const db = await opened(openFormatted('old', steps(runs)));
    expect(db.version).to.equal(3);
    expect(await all(db)).to.deep.equal(['kept', 'made by step 2', 'made by step 3']);
    db.close();
    // A new database is made at format 1 and taken through every step.
    const fresh = await opened(openFormatted('fresh', steps(runs)));
    expect(await all(fresh)).to.deep.equal(['made by step 2', 'made by step 3']);
    fresh.close();
    // At its format: no step runs again.
    (await opened(openFormatted('old', steps(runs)))).close();
    expect(runs).to.deep.equal(['idb 2 old', 'idb 3 old', 'idb 2 fresh', 'idb 3 fresh']);
  });

  it('leaves a database as it was when a step fails, and fails to open it', async () => {
    await writeDevice({
      databases: { old: { version: 1, stores: { kv: [['cart', 'kept']] } } },
      local: {},
      cookies: {},
    });
    const runs: string[] = [];
    const error = await opened(openFormatted('old', steps(runs, true))).catch((e: DOMException) => e);
    expect((error as DOMException).name).to.equal('AbortError');
    expect(runs).to.deep.equal(['idb 2 old', 'idb 3 old']);
    const after = await readDevice();
    expect(after.databases.old).to.deep.equal({ version: 1, stores: { kv: [['cart', 'kept']] } });

    // A step whose request fails (IndexedDB aborts the upgrade itself): the same, and nothing thrown.
    const unhandled: unknown[] = [];
    const listener = (e: PromiseRejectionEvent) => unhandled.push(e.reason);
    addEventListener('unhandledrejection', listener);
    const clash: Migration = {
      idb: (store) =>
        new Promise((resolve, reject) => {
          const add = store.add('again', 'cart'); // the key is taken: the request fails
          add.onsuccess = resolve;
          add.onerror = () => reject(add.error);
        }),
    };
    const refused = await opened(openFormatted('old', [clash])).catch((e: DOMException) => e);
    expect((refused as DOMException).name).to.equal('AbortError');
    await new Promise((resolve) => setTimeout(resolve, 100));
    removeEventListener('unhandledrejection', listener);
    expect(unhandled).to.deep.equal([]);
    expect((await readDevice()).databases.old).to.deep.equal(after.databases.old);
  });

  it('takes localStorage through the steps it missed, and leaves a newer one alone', async () => {
    const runs: string[] = [];
    localStorage.setItem('step1', 'format 1 data');
    expect(upgradeLocal(steps(runs))).to.equal(true); // no stamp: format 1
    expect(runs).to.deep.equal(['local 2', 'local 3']);
    expect({ ...localStorage }).to.deep.equal({
      step1: 'format 1 data',
      step2: 'format 1 data',
      step3: 'format 1 data',
    });
    localStorage.setItem(LOCAL_FORMAT, '2');
    expect(upgradeLocal(steps(runs))).to.equal(true);
    expect(runs.slice(2)).to.deep.equal(['local 3']);
    localStorage.setItem(LOCAL_FORMAT, '3');
    expect(upgradeLocal(steps(runs))).to.equal(true);
    localStorage.setItem(LOCAL_FORMAT, '4');
    expect(upgradeLocal(steps(runs))).to.equal(false);
    expect(runs).to.have.length(3);
  });

  it('leaves a newer format as it found it, and keeps tracking in memory', async () => {
    await writeDevice(FUTURE);
    const before = await readDevice();
    expect(Object.values(before.databases).map((d) => d.version)).to.deep.equal([NEWER, NEWER, NEWER]);

    const page = await openClientTab();
    // The cookie's anonymous id is a plain id in every format: the visitor stays the same.
    expect(await page.anonymousId()).to.equal('future-anon-0001');
    await page.call('identify', 'user-7', { plan: 'pro' });
    await page.call('track', 'Memory Only', { n: 1 });
    await page.eval(`omnikit.cart.add({ productId: 'tee', name: 'Tee', price: 19.95 })`);
    await page.eval(
      `document.body.insertAdjacentHTML('beforeend', '<form data-omnikit-form="a"><input name="city"></form>')`,
    );
    await page.act('fill', '[name=city]', 'Lyon');
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId: 'future-anon-0001', type: 'track' });
      return stored.length >= 3 && stored; // Memory Only, Product Added, Form Started
    });
    expect(events.find((e) => e.event === 'Memory Only')?.userId).to.equal('user-7');
    expect(await page.eval('omnikit.cart.items().length')).to.equal(1);
    expect((await page.errors()).map((e) => e.code)).to.deep.equal(['storage_unavailable']);
    await page.close({ runBeforeUnload: true });

    expect(await readDevice()).to.deep.equal(before);
  });

  it('steps aside when a newer script upgrades a database while the page is open', async () => {
    const page = await openClientTab();
    const anonymousId = await page.anonymousId();
    // `sent` comes once the page has taken the sent events out of its outbox, not just when the answer came.
    await page.eval(`window.__sent = 0; omnikit.on('sent', () => __sent++)`);
    await page.call('track', 'Before', {});
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 1);
    await waitFor(() => page.eval('__sent'), { message: 'the outbox emptied' });

    // A newer script in another tab: its upgrade goes through at once, not after this page closes.
    const upgrade = indexedDB.open('omnikit-outbox-http', NEWER);
    upgrade.onupgradeneeded = () => upgrade.transaction!.objectStore('kv').put('newer', 'newer');
    const outcome = await new Promise((resolve) => {
      upgrade.onsuccess = () => {
        upgrade.result.close();
        resolve('upgraded');
      };
      upgrade.onblocked = () => resolve('blocked by the open page');
    });
    expect(outcome).to.equal('upgraded');

    await page.call('track', 'After', {});
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 2);
    expect((await page.errors()).map((e) => e.code)).to.deep.equal(['storage_unavailable']);
    const outbox = (await readDevice()).databases['omnikit-outbox-http'];
    expect(outbox).to.deep.equal({ version: NEWER, stores: { kv: [['newer', 'newer']] } });
    await page.close();
  });

  it('hands the flushing over to a tab that can read the outbox, once it runs in memory', async () => {
    const first = await openClientTab(); // the first tab leads: it flushes the shared outbox
    const anonymousId = await first.anonymousId();
    // Its databases go away under it (a newer script's upgrade does the same): it runs in memory.
    await forgetDevice();
    await first.call('track', 'From Memory', {});
    await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 1);
    // A tab that opens now makes a new outbox; the first tab, which cannot read it, lets it flush it.
    const second = await openClientTab();
    const secondId = await second.anonymousId();
    await second.call('track', 'From IndexedDB', {});
    await waitFor(async () => (await storedEvents({ anonymousId: secondId, type: 'track' })).length === 1, {
      message: 'the second tab flushed its outbox while the first is open',
    });
    expect(await second.errors()).to.deep.equal([]);
    await second.close();
    await first.close();
  });
});
