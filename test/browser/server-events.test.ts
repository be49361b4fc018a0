// Server-side channels: the same event sent by the browser SDK and by the server-side helper
// (omnikit/server, src/server-events.ts) lands in the store with the same shape, in the same profile
// timeline. The helper runs in this page (it is plain fetch) with the site's server key, as a POS would.
import { expect } from '@open-wc/testing';
import { createServerEvents } from '../../src/server-events.ts';
import { backend, resetBackend, storedEvents, TEST_SERVER_KEY, waitFor } from './helpers.ts';
import { openClient } from './sdk.ts';

const typesOf = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? 'null' : typeof v]));

describe('server-side channels (omnikit/server)', () => {
  beforeEach(resetBackend);

  it('stores the helper event like the browser one, in the same user timeline', async () => {
    const properties = {
      order_id: 'o-1',
      total: 42,
      currency: 'EUR',
      products: [{ product_id: 'tee', quantity: 1 }],
    };
    const client = await openClient({ channel: 'web' });
    await client.call('identify', 'user-shape');
    await client.call('track', 'Order Completed', properties);

    const errors: Error[] = [];
    const pos = createServerEvents({
      endpoint: backend.url,
      serverKey: TEST_SERVER_KEY,
      channel: 'store',
      onError: (e) => errors.push(e),
    });
    const messageId = pos.track({ userId: 'user-shape' }, 'Order Completed', properties, {
      context: { store: { id: 'paris-1' } },
    });
    await pos.flush();
    expect(errors).to.deep.equal([]);

    const events = await waitFor(async () => {
      const stored = await storedEvents({ userId: 'user-shape', type: 'track' });
      return stored.length === 2 && stored;
    });
    const web = events.find((e) => e.messageId !== messageId)!;
    const store = events.find((e) => e.messageId === messageId)!;
    // The columns the profile timeline is read by.
    for (const e of [web, store])
      expect(e).to.include({ type: 'track', event: 'Order Completed', userId: 'user-shape' });
    // The envelope: same fields, same JSON types (anonymousId is null: a till has no device id).
    const { anonymousId: a, ...webTop } = typesOf(web.body);
    const { anonymousId: b, ...storeTop } = typesOf(store.body);
    expect([a, b]).to.deep.equal(['string', 'null']);
    expect(storeTop).to.deep.equal(webTop);
    expect(store.body.properties).to.deep.equal(web.body.properties);
    const webContext = web.body.context as Record<string, unknown>;
    const storeContext = store.body.context as Record<string, unknown>;
    expect([webContext.channel, storeContext.channel]).to.deep.equal(['web', 'store']);
    expect(Object.keys(storeContext.library as object)).to.deep.equal(
      Object.keys(webContext.library as object),
    );
    expect(storeContext.library).to.include({ name: 'omnikit' });
    expect(storeContext.store).to.deep.equal({ id: 'paris-1' });
    expect(Date.parse(store.body.sentAt as string)).to.be.at.least(
      Date.parse(store.body.timestamp as string),
    );
  });

  it('refuses a wrong server key (401) and reports it without retrying', async () => {
    const errors: string[] = [];
    const pos = createServerEvents({
      endpoint: backend.url,
      serverKey: 'not-the-key',
      onError: (e) => errors.push(e.message),
    });
    pos.track({ userId: 'u' }, 'Order Completed', { order_id: 'o' });
    await pos.flush();
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/HTTP 401: .*invalid_server_key/);
    expect(await storedEvents({ userId: 'u' })).to.deep.equal([]);
  });
});
