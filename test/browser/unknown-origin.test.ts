// A page on an origin no site allows (a copied snippet, a staging host nobody configured): the
// server's refusal is a 403 the page can read, so the client drops what it was sending once, with an
// error, instead of taking a blocked preflight for a network error and re-sending it on every page
// load. The page is on http://shop.stranger.omnikit.test (mapped to 127.0.0.1 by the runner's
// --host-resolver-rules), which the test backend's sites do not list.
import { expect } from '@open-wc/testing';
import {
  backend,
  fixtureUrl,
  openDevice,
  resetBackend,
  storedEvents,
  waitFor,
  writeKeys,
} from './helpers.ts';
import { type ClientPage, wrap } from './sdk.ts';

const STRANGER_HOST = 'shop.stranger.omnikit.test';
const strangerOrigin = () => `http://${STRANGER_HOST}:${location.port}`;
const strangerPage = () =>
  fixtureUrl({ autoPage: false, flushInterval: 20, retryBaseDelay: 50, retryMaxDelay: 200 }, 'esm').replace(
    location.origin,
    strangerOrigin(),
  );

/** How many events the page's outbox (IndexedDB) holds for the backend. */
const outboxSize = (page: ClientPage) =>
  page.eval<number>(`new Promise((resolve, reject) => {
    const open = indexedDB.open('omnikit-outbox-http');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('kv')) return resolve(0);
      const count = db.transaction('kv').objectStore('kv').count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
      count.onerror = () => reject(count.error);
    };
  })`);

const batchPosts = async (page: ClientPage) =>
  (await page.requests()).filter((r) => r.method === 'POST' && r.url.endsWith('/v1/batch'));

describe('a page on an origin no site allows', () => {
  beforeEach(resetBackend);

  it('gets a 403 it can read, drops the batch once, and never sends it again', async () => {
    let page = await wrap(await openDevice(strangerPage()));
    expect(await page.eval('location.origin')).to.equal(strangerOrigin());
    await page.call('track', 'Sent From Nowhere', { n: 1 });

    const errors = await waitFor(
      async () => {
        const all = await page.errors();
        return all.some((e) => e.message.startsWith('http refused')) && all;
      },
      { message: 'the batch is refused for good' },
    );
    const refusal = errors.find((e) => e.message.startsWith('http refused'))!;
    expect(refusal.code).to.equal('delivery_rejected');
    expect(refusal.message).to.contain('HTTP 403');
    expect(refusal.message).to.contain('origin_not_allowed');
    expect(refusal.message).to.contain(strangerOrigin());
    await waitFor(async () => (await outboxSize(page)) === 0, { message: 'the outbox is empty' });

    // The next page load has nothing to re-send.
    await page.reload();
    page = await wrap(page);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // many flush intervals and backoffs
    expect(await outboxSize(page)).to.equal(0);
    expect(await batchPosts(page)).to.have.length(1);
    expect(await storedEvents()).to.have.length(0);
    await page.close();
  });

  it('reads the 403 of a preflighted request too (JSON with Basic auth, as Segment and RudderStack send)', async () => {
    const page = await openDevice(`${strangerOrigin()}/test/fixtures/blank.html`);
    const answer = await page.eval<{ status: number; code: string }>(`
      fetch(${JSON.stringify(`${backend.url}/v1/batch`)}, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Basic ' + btoa(${JSON.stringify(writeKeys.test)} + ':') },
        body: JSON.stringify({ batch: [{ type: 'track', event: 'Preflighted', messageId: 'm-1', anonymousId: 'a-1' }] }),
      }).then(async (res) => ({
        status: res.status,
        code: (await res.json()).error.code,
      }))`);
    // Readable at all only because the answer carries Access-Control-Allow-Origin for this page.
    expect(answer).to.deep.equal({ status: 403, code: 'origin_not_allowed' });
    expect(await storedEvents()).to.have.length(0);
    await page.close();
  });
});
