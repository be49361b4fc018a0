// Identity: the anonymous id survives reloads, is the same in all three stores, and a
// tampered or missing copy is repaired. Sessions roll after inactivity.
import { expect } from '@open-wc/testing';
import { fixtureUrl, openTab, resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, openClient, wrap } from './sdk.ts';

const readStores = (client: ClientPage) =>
  client.eval<{ cookie?: string; local?: string; idb?: string }>(`(async () => {
    const cookie = document.cookie.match(/(?:^|; )omnikit_aid=([^;]*)/)?.[1];
    const local = JSON.parse(localStorage.getItem('omnikit:aid') ?? 'null') ?? undefined;
    const idb = await new Promise((resolve, reject) => {
      const open = indexedDB.open('omnikit');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        try {
          const get = open.result.transaction('kv').objectStore('kv').get('aid');
          get.onsuccess = () => { open.result.close(); resolve(get.result); };
        } catch (error) { reject(error); }
      };
    });
    return { cookie, local, idb };
  })()`);

async function reload(client: ClientPage) {
  await client.reload();
  return wrap(client);
}

describe('the anonymous id', () => {
  beforeEach(resetBackend);

  it('is kept in the cookie, localStorage and IndexedDB alike, and survives reloads', async () => {
    let client = await openClient();
    const id = await client.anonymousId();
    expect(id).to.match(/^[0-9a-v]{26}$/); // 130 random bits (core/id.ts)
    await waitFor(async () => (await readStores(client)).idb === id);
    expect(await readStores(client)).to.deep.equal({ cookie: id, local: id, idb: id });
    client = await reload(client);
    expect(await client.anonymousId()).to.equal(id);
  });

  it('repairs a tampered or missing copy from the others', async () => {
    let client = await openClient();
    const id = await client.anonymousId();
    await waitFor(async () => (await readStores(client)).idb === id);

    // A tampered localStorage value loses to the cookie, and is rewritten.
    await client.eval(`localStorage.setItem('omnikit:aid', JSON.stringify('someone-elses-id-123'))`);
    client = await reload(client);
    expect(await client.anonymousId()).to.equal(id);
    await waitFor(async () => (await readStores(client)).local === id);

    // A garbled cookie is ignored and rewritten from localStorage.
    await client.eval(`document.cookie = 'omnikit_aid=<script>; Path=/'`);
    client = await reload(client);
    expect(await client.anonymousId()).to.equal(id);
    await waitFor(async () => (await readStores(client)).cookie === id);

    // Cookie and localStorage cleared (a "clear cookies" button): IndexedDB still knows the device.
    await client.eval(`document.cookie = 'omnikit_aid=; Path=/; Max-Age=0'; localStorage.clear()`);
    client = await reload(client);
    expect(await client.anonymousId()).to.equal(id);
    await waitFor(async () => {
      const stores = await readStores(client);
      return stores.cookie === id && stores.local === id;
    });
  });

  it('is replaced, with user id and traits, by reset()', async () => {
    const client = await openClient({ flushInterval: 20 });
    const before = await client.anonymousId();
    await client.call('identify', 'user-7', { name: 'Mei' });
    await client.call('reset');
    await client.call('track', 'After Reset');
    const after = await client.anonymousId();
    expect(after).to.not.equal(before);
    const [event] = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId: after });
      return stored.length && stored;
    });
    expect(event.body).to.include({ userId: null, event: 'After Reset' });
    expect((await readStores(client)).local).to.equal(after);
  });
});

describe('the anonymous id across subdomains', () => {
  it('is shared by the subdomains of the cookie domain', async () => {
    // Plain-http *.omnikit.test is no secure context: no Web Locks there, so this also runs the fallback.
    const on = (host: string) =>
      fixtureUrl({ autoPage: false, cookieDomain: 'omnikit.test' }, 'esm').replace(
        '//localhost:',
        `//${host}:`,
      );
    const shop = await wrap(await openTab(on('shop.omnikit.test')));
    const id = await shop.anonymousId();
    const blog = await wrap(await openTab(on('blog.omnikit.test')));
    expect(await blog.anonymousId()).to.equal(id);
    // The blog's own localStorage and IndexedDB adopt it too.
    await waitFor(async () => (await readStores(blog)).idb === id);
    expect((await readStores(blog)).local).to.equal(id);
    await shop.close();
    await blog.close();
  });
});

describe('the session', () => {
  beforeEach(resetBackend);

  it('continues across reloads and rolls after the idle timeout', async () => {
    let client = await openClient({ flushInterval: 20, sessionTimeout: 1500 });
    const anonymousId = await client.anonymousId();
    await client.call('track', 'One');
    client = await reload(client);
    await client.call('track', 'Two');
    await new Promise((resolve) => setTimeout(resolve, 1800));
    await client.call('track', 'Three');
    const events = await waitFor(async () => {
      const stored = await storedEvents({ anonymousId, type: 'track' });
      return stored.length === 3 && stored;
    });
    const session = (name: string) =>
      (events.find((e) => e.event === name)!.body.context as { session: { id: number } }).session.id;
    expect(session('Two')).to.equal(session('One'));
    expect(session('Three')).to.be.greaterThan(session('Two'));
  });
});
