// Reading events back (GET /v1/events) with a site's server key: only that site's events, oldest
// first, filtered and paged; every wrong parameter a 400 naming it, and no key or a public key a 401.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, postJson, SHOP_SERVER_KEY, SITES, startServer, trackEvent } from './helpers.ts';

const BLOG_SERVER_KEY = 'blog-server-key-for-tests-8a1f6c3e9d2b7054';
let h: Harness;
before(async () => {
  h = await startServer({ sites: [SITES[0], { ...SITES[1], serverKey: BLOG_SERVER_KEY }] });
});
after(() => h.close());
beforeEach(() => h.store.reset());

/** GET /v1/events?query with `key` as the Bearer token (none when null). */
const read = (query: string, key: string | null = SHOP_SERVER_KEY) =>
  fetch(`${h.url}/v1/events${query}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
const messageIds = async (query: string, key?: string) => {
  const response = await read(query, key);
  assert.equal(response.status, 200, await response.clone().text());
  const page = (await response.json()) as { events: { messageId: string }[]; next?: string };
  return { ids: page.events.map((e) => e.messageId), next: page.next };
};

describe('GET /v1/events', () => {
  it("reads the key's own site only, oldest first, by user or anonymous id, a page at a time", async () => {
    const batch = [
      trackEvent({ messageId: 'm-1', userId: 'mei', anonymousId: 'a-1' }),
      trackEvent({ messageId: 'm-2', userId: 'lin', anonymousId: 'a-2' }),
      trackEvent({ messageId: 'm-3', userId: 'mei', anonymousId: 'a-1', type: 'page', event: undefined }),
    ];
    assert.equal((await postJson(`${h.url}/v1/batch`, { batch })).status, 200);
    assert.equal(
      (
        await postJson(
          `${h.url}/v1/batch`,
          { batch: [trackEvent({ messageId: 'b-1' })] },
          { writeKey: 'blog-key' },
        )
      ).status,
      200,
    );

    assert.deepEqual((await messageIds('')).ids, ['m-1', 'm-2', 'm-3']);
    assert.deepEqual((await messageIds('', BLOG_SERVER_KEY)).ids, ['b-1']);
    assert.deepEqual((await messageIds('?userId=mei')).ids, ['m-1', 'm-3']);
    assert.deepEqual((await messageIds('?anonymousId=a-2')).ids, ['m-2']);
    assert.deepEqual((await messageIds('?userId=mei&type=page')).ids, ['m-3']);
    assert.deepEqual((await messageIds('?to=2000-01-01T00:00:00Z')).ids, []);
    assert.deepEqual((await messageIds('?from=2000-01-01T00:00:00Z')).ids, ['m-1', 'm-2', 'm-3']);

    const first = await messageIds('?limit=2');
    assert.deepEqual(first.ids, ['m-1', 'm-2']);
    const second = await messageIds(`?limit=2&after=${first.next}`);
    assert.deepEqual(second, { ids: ['m-3'], next: undefined });

    const response = await read('?userId=mei&limit=1');
    const [event] = ((await response.json()) as { events: Record<string, unknown>[] }).events;
    assert.equal(event.credential, 'public');
    assert.equal((event.body as { messageId: string }).messageId, 'm-1');
  });

  it('answers 400 naming the parameter for every wrong one', async () => {
    const wrong: [string, string][] = [
      ['?userId=', 'userId'],
      [`?userId=${'x'.repeat(257)}`, 'userId'],
      ['?userId=a%00b', 'userId'],
      ['?anonymousId=%00', 'anonymousId'],
      ['?type=', 'type'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-45', 'to'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=2.5', 'limit'],
      ['?after=-1', 'after'],
      ['?after=1e3', 'after'],
      [`?after=${'9'.repeat(20)}`, 'after'],
    ];
    for (const [query, name] of wrong) {
      const response = await read(query);
      assert.equal(response.status, 400, query);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'invalid_query', query);
      assert.match(error.message, new RegExp(`^${name}: `), query);
    }
  });

  it('answers 401 without the server key, with an unknown key, and with the public write key', async () => {
    assert.equal((await read('', null)).status, 401);
    assert.equal((await read('', 'not-a-key')).status, 401);
    assert.equal((await read('', 'shop-key')).status, 401);
    const basic = await fetch(`${h.url}/v1/events`, {
      headers: { Authorization: `Basic ${Buffer.from('shop-key:').toString('base64')}` },
    });
    assert.equal(basic.status, 401);
  });
});
