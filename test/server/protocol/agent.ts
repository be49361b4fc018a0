import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BLOG_AGENT_KEY,
  type ErrorBody,
  type Harness,
  SHOP_SERVER_KEY,
  startServer,
  TEST_NOW,
} from '../helpers.ts';
import {
  agentApi,
  conversations,
  customerMessage,
  openAgentStream,
  profile360,
  reply,
} from './agent-client.ts';
import { api, hlc, identify, openStream, register, type SseReader, sync, type TestDevice } from './client.ts';

describe('agent API and chat (§6–§7)', () => {
  let h: Harness;
  let phone: TestDevice;
  const open: SseReader[] = [];
  before(async () => {
    // These tests send wrong agent keys on purpose, more than the lockout allows (limits.ts tests it).
    h = await startServer({ limits: { agentKeyFailures: { limit: 1000, windowMs: 60_000 } } });
  });
  after(() => h.close());
  beforeEach(async () => {
    for (const stream of open.splice(0)) await stream.cancel();
    h.clock.now = TEST_NOW;
    await h.store.reset();
    phone = await register(h.url, 'phone');
  });

  const T = TEST_NOW;
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;
  const listen = async (stream: Promise<SseReader>) => {
    const reader = await stream;
    open.push(reader);
    await reader.next((m) => m.comment === 'connected');
    return reader;
  };

  describe('the agent key', () => {
    const paths: [string, string][] = [
      ['GET', '/v1/agent/conversations'],
      ['GET', '/v1/agent/profiles/PROFILE'],
      ['POST', '/v1/agent/conversations/PROFILE/messages'],
      ['POST', '/v1/agent/conversations/PROFILE/read'],
      ['POST', '/v1/agent/conversations/PROFILE/typing'],
      ['GET', '/v1/agent/stream'],
    ];

    it('is required on every agent route: none, a wrong one and a device token get 401', async () => {
      for (const [method, template] of paths) {
        const path = template.replace('PROFILE', phone.profileId);
        const body = method === 'POST' ? { text: 'hi', typing: true } : undefined;
        const none = await agentApi(h.url, method, path, { body, key: null });
        assert.equal(none.status, 401, `${method} ${path} without a key`);
        assert.equal((await errorOf(none)).code, 'missing_agent_key');
        for (const key of ['wrong-agent-key-0123456789', phone.token, 'shop-key']) {
          const res = await agentApi(h.url, method, path, { body, key });
          assert.equal(res.status, 401, `${method} ${path} with ${key}`);
          assert.equal((await errorOf(res)).code, 'invalid_agent_key');
        }
      }
    });

    it("opens only its own site's profiles", async () => {
      const reader = await register(h.url, 'reader', 'blog-key');
      const res = await agentApi(h.url, 'GET', `/v1/agent/profiles/${phone.profileId}`, {
        key: BLOG_AGENT_KEY,
      });
      assert.equal(res.status, 404);
      assert.equal((await errorOf(res)).code, 'profile_not_found');
      const own = await agentApi(h.url, 'GET', `/v1/agent/profiles/${reader.profileId}`, {
        key: BLOG_AGENT_KEY,
      });
      assert.equal(own.status, 200);
    });

    it("a device token reads its own profile through /v1/sync only, never another's", async () => {
      const other = await register(h.url, 'other');
      await sync(h.url, other, [customerMessage('x1', 'private', T)]);
      // The device's token is no agent key...
      const res = await agentApi(h.url, 'GET', `/v1/agent/profiles/${other.profileId}`, { key: phone.token });
      assert.equal(res.status, 401);
      // ...and its own sync shows only its own profile.
      assert.deepEqual((await sync(h.url, phone)).records, []);
    });
  });

  describe('chat records pushed by devices', () => {
    it('merges customer messages and "read"; refuses forged agent records per record, merging the rest', async () => {
      const good = customerMessage('c1', 'Hello', T, { fields: { name: 'Dana' } });
      const forged = [
        {
          doc: 'chat',
          key: 'm:f1',
          value: { text: 'Refund approved', from: 'agent', at: T },
          hlc: hlc(T, 1),
        },
        { doc: 'chat', key: 'agentRead', value: { at: T }, hlc: hlc(T, 2) },
        { doc: 'chat', key: 'm:c1', value: null, hlc: hlc(T, 3), deleted: true },
        { doc: 'chat', key: 'other', value: 'x', hlc: hlc(T, 4) },
        customerMessage('c2', '', T + 1),
        customerMessage('c3', 'x'.repeat(4001), T + 1),
        customerMessage('c4', 'I am support', T + 1, { name: 'Support' }),
      ];
      const read = { doc: 'chat', key: 'read', value: { at: T }, hlc: hlc(T, 5) };
      const result = await sync(h.url, phone, [
        good,
        ...forged,
        read,
        { doc: 'cart', key: 'a', value: { qty: 1 }, hlc: hlc(T) },
      ]);
      assert.deepEqual(
        result.rejected.map((r) => [r.hlc, r.code]),
        forged.map((r) => [r.hlc, 'invalid_record']),
      );
      assert.deepEqual(result.records.map((r) => `${r.doc}/${r.key}`).sort(), [
        'cart/a',
        'chat/m:c1',
        'chat/read',
      ]);
    });

    it("cannot overwrite an agent's message, whatever its id looks like", async () => {
      const { id } = await reply(h.url, phone.profileId, 'Hi, I am Mia');
      const result = await sync(h.url, phone, [customerMessage(id, 'rewritten', T + 1000)]);
      assert.equal(result.rejected.length, 1);
      const stored = result.records.find((r) => r.key === `m:${id}`);
      assert.deepEqual(stored?.value, { text: 'Hi, I am Mia', from: 'agent', at: T });
    });

    it('stores hostile text verbatim (rendering it inert is the UI’s job)', async () => {
      const hostile = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>';
      await sync(h.url, phone, [customerMessage('h1', hostile, T)]);
      h.clock.now = T + 1;
      await reply(h.url, phone.profileId, hostile, '<b>Mia</b>');
      const view = await profile360(h.url, phone.profileId);
      const messages = view.messages as { text: string; name?: string }[];
      assert.deepEqual(
        messages.map((m) => [m.text, m.name]),
        [
          [hostile, undefined],
          [hostile, '<b>Mia</b>'],
        ],
      );
      assert.equal((await conversations(h.url))[0].lastMessage.text, hostile);
    });
  });

  describe('POST /v1/agent/conversations/{profileId}/messages', () => {
    it("lands in the profile's chat document, written by the agent replica, and every linked device pulls it", async () => {
      await sync(h.url, phone, [customerMessage('c1', 'Where is my order?', T)]);
      const stream = await listen(openStream(h.url, phone));
      h.clock.now = T + 5000;
      const created = await reply(h.url, phone.profileId, 'On its way!', 'Mia');
      assert.match(created.id, /^a[0-9a-v]{26}$/);
      assert.equal(created.at, T + 5000);
      await stream.changed(1000);
      const pulled = (await sync(h.url, phone)).records.find((r) => r.key === `m:${created.id}`);
      assert.deepEqual(pulled?.value, { text: 'On its way!', from: 'agent', at: T + 5000, name: 'Mia' });
      assert.match(pulled?.hlc ?? '', /-agent$/);
    });

    it('refuses blank or oversized text (400), and a profile of nobody (404)', async () => {
      const path = `/v1/agent/conversations/${phone.profileId}/messages`;
      for (const body of [{ text: '   ' }, { text: 'x'.repeat(4001) }, {}, { text: 'ok', name: 7 }]) {
        assert.equal(
          (await agentApi(h.url, 'POST', path, { body })).status,
          400,
          JSON.stringify(body).slice(0, 40),
        );
      }
      const res = await agentApi(h.url, 'POST', '/v1/agent/conversations/nobody/messages', {
        body: { text: 'hi' },
      });
      assert.equal(res.status, 404);
    });
  });

  describe('GET /v1/agent/conversations', () => {
    it('lists newest activity first with unread customer messages, and read clears them', async () => {
      const laptop = await register(h.url, 'laptop');
      const tablet = await register(h.url, 'tablet'); // no conversation: not listed
      const start = Date.now();
      await sync(h.url, phone, [customerMessage('p1', 'first', T), customerMessage('p2', 'second', T + 10)]);
      await sync(h.url, laptop, [customerMessage('l1', 'hello', T + 20)]);
      let list = await conversations(h.url);
      assert.deepEqual(
        list.map((c) => [c.profileId, c.lastMessage.text, c.lastMessage.at, c.unread]),
        [
          [laptop.profileId, 'hello', T + 20, 1],
          [phone.profileId, 'second', T + 10, 2],
        ],
      );
      // updatedAt is the server's clock when the last message arrived, not the time it claims.
      assert.ok(list[0].updatedAt >= list[1].updatedAt && list[1].updatedAt >= start);
      assert.ok(list[0].updatedAt <= Date.now());
      assert.ok(!list.some((c) => c.profileId === tablet.profileId));

      h.clock.now = T + 30;
      await reply(h.url, phone.profileId, 'Hi!');
      list = await conversations(h.url);
      assert.deepEqual(
        list.map((c) => [c.profileId, c.lastMessage.from, c.unread]),
        [
          [phone.profileId, 'agent', 2],
          [laptop.profileId, 'customer', 1],
        ],
        'an agent reply is activity too, but reads nothing',
      );
      const read = await agentApi(h.url, 'POST', `/v1/agent/conversations/${phone.profileId}/read`);
      assert.equal(read.status, 204);
      assert.equal((await conversations(h.url))[0].unread, 0);
      await sync(h.url, phone, [customerMessage('p3', 'thanks', T + 40)]);
      assert.deepEqual(
        (await conversations(h.url)).map((c) => [c.profileId, c.unread]),
        [
          [phone.profileId, 1],
          [laptop.profileId, 1],
        ],
      );
      assert.deepEqual(
        (await conversations(h.url, '?limit=1')).map((c) => c.profileId),
        [phone.profileId],
      );
      assert.equal((await agentApi(h.url, 'GET', '/v1/agent/conversations?limit=0')).status, 400);
    });

    it("does not list another site's conversations", async () => {
      const reader = await register(h.url, 'reader', 'blog-key');
      await sync(h.url, reader, [customerMessage('b1', 'blog', T)]);
      await sync(h.url, phone, [customerMessage('s1', 'shop', T)]);
      assert.deepEqual(
        (await conversations(h.url)).map((c) => c.lastMessage.text),
        ['shop'],
      );
    });
  });

  describe('typing', () => {
    it("the customer's typing reaches the site's agent streams (204), never stored", async () => {
      const agents = await listen(openAgentStream(h.url));
      const blogAgents = await listen(openAgentStream(h.url, BLOG_AGENT_KEY));
      const res = await api(h.url, 'POST', '/v1/chat/typing', { token: phone.token, body: { typing: true } });
      assert.equal(res.status, 204);
      const typing = await agents.next((m) => m.event === 'typing');
      assert.deepEqual(JSON.parse(typing.data ?? ''), { profileId: phone.profileId, typing: true });
      await assert.rejects(
        blogAgents.next((m) => m.event === 'typing', 100),
        /no matching/,
      );
      assert.deepEqual((await sync(h.url, phone)).records, []);
      const bad = await api(h.url, 'POST', '/v1/chat/typing', {
        token: phone.token,
        body: { typing: 'yes' },
      });
      assert.equal(bad.status, 400);
      const anonymous = await api(h.url, 'POST', '/v1/chat/typing', { body: { typing: true } });
      assert.equal(anonymous.status, 401);
    });

    it("drops a device's typing signals over its rate limit (30 a minute), still answering 204", async () => {
      const agents = await listen(openAgentStream(h.url));
      for (let i = 0; i < 35; i++) {
        const res = await api(h.url, 'POST', '/v1/chat/typing', {
          token: phone.token,
          body: { typing: i % 2 === 0 },
        });
        assert.equal(res.status, 204);
      }
      await sync(h.url, phone, [customerMessage('c1', 'done', T)]);
      await agents.next((m) => m.event === 'message'); // sent after every typing signal
      assert.equal(agents.pending().filter((m) => m.event === 'typing').length, 30);
    });

    it("the agent's typing reaches every stream of the profile as event: typing", async () => {
      const stream = await listen(openStream(h.url, phone));
      const stranger = await listen(openStream(h.url, await register(h.url, 'stranger')));
      const path = `/v1/agent/conversations/${phone.profileId}/typing`;
      assert.equal(
        (await agentApi(h.url, 'POST', path, { body: { typing: true, name: 'Mia' } })).status,
        204,
      );
      const typing = await stream.next((m) => m.event === 'typing');
      assert.deepEqual(JSON.parse(typing.data ?? ''), { typing: true, name: 'Mia' });
      assert.equal((await agentApi(h.url, 'POST', path, { body: { typing: false } })).status, 204);
      assert.deepEqual(JSON.parse((await stream.next((m) => m.event === 'typing')).data ?? ''), {
        typing: false,
      });
      await assert.rejects(
        stranger.next((m) => m.event === 'typing', 100),
        /no matching/,
      );
      assert.equal((await agentApi(h.url, 'POST', path, { body: {} })).status, 400);
    });

    it('the agent stream hears every change of a conversation: pushes and replies', async () => {
      const agents = await listen(openAgentStream(h.url));
      await sync(h.url, phone, [customerMessage('c1', 'hi', T)]);
      assert.deepEqual(JSON.parse((await agents.next((m) => m.event === 'message')).data ?? ''), {
        profileId: phone.profileId,
      });
      await reply(h.url, phone.profileId, 'hello');
      await agents.next((m) => m.event === 'message');
      await sync(h.url, phone, [{ doc: 'cart', key: 'a', value: { qty: 1 }, hlc: hlc(T) }]);
      await assert.rejects(
        agents.next((m) => m.event === 'message', 100),
        /no matching/,
        'a cart change is no chat',
      );
    });

    it("hears a profile's other documents change (its 360° view): pushes and the shop's writes", async () => {
      const agents = await listen(openAgentStream(h.url));
      const strangers = await listen(openAgentStream(h.url, BLOG_AGENT_KEY));
      const profileEvent = () => agents.next((m) => m.event === 'profile', 1000);
      await sync(h.url, phone, [{ doc: 'cart', key: 'a', value: { qty: 1 }, hlc: hlc(T) }]);
      assert.deepEqual(JSON.parse((await profileEvent()).data ?? ''), { profileId: phone.profileId });
      await sync(h.url, phone, [customerMessage('c1', 'hi', T)]);
      await assert.rejects(
        agents.next((m) => m.event === 'profile', 100),
        /no matching/,
        'a chat message is a message event only',
      );
      // An order from the shop's systems, for a signed-in customer.
      const { profileId } = await identify(h.url, phone, 'ada');
      const order = await api(h.url, 'POST', '/v1/profiles/ada/orders', {
        headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` },
        body: { id: 'o-1', status: 'paid' },
      });
      assert.equal(order.status, 200);
      assert.deepEqual(JSON.parse((await profileEvent()).data ?? ''), { profileId });
      const view = await profile360(h.url, profileId);
      assert.deepEqual(
        (view.orders as { id: string; status: string }[]).map((o) => [o.id, o.status]),
        [['o-1', 'paid']],
      );
      await assert.rejects(
        strangers.next((m) => m.event === 'profile', 100),
        /no matching/,
        'another site',
      );
    });
  });
});
