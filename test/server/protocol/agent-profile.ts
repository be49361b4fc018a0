import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, postJson, SHOP_SERVER_KEY, startServer, TEST_NOW, trackEvent } from '../helpers.ts';
import { conversations, customerMessage, openAgentStream, profile360, reply } from './agent-client.ts';
import { hlc, identify, register, type SseReader, sync } from './client.ts';

describe('agent API: one conversation per customer, and the 360° view (§6–§7)', () => {
  let h: Harness;
  const open: SseReader[] = [];
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    for (const stream of open.splice(0)) await stream.cancel();
    h.clock.now = TEST_NOW;
    await h.store.reset();
  });

  const T = TEST_NOW;
  /** Posts events with the write key, or with the server key (`asServer`: verified, the shop's own). */
  const ingest = async (events: Record<string, unknown>[], asServer = false) => {
    const res = await postJson(
      `${h.url}/v1/batch`,
      { batch: events },
      asServer ? { writeKey: null, headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` } } : {},
    );
    assert.equal(res.status, 200);
  };

  describe('POST /v1/identify', () => {
    it('moves a guest conversation into the user’s: the agent sees one conversation, the other device the whole of it', async () => {
      const laptop = await register(h.url, 'laptop');
      await identify(h.url, laptop, 'dana');
      await sync(h.url, laptop, [customerMessage('l1', 'from the laptop', T)]);
      const phone = await register(h.url, 'phone');
      await sync(h.url, phone, [customerMessage('p1', 'from the phone', T + 10)]);
      h.clock.now = T + 20;
      const answer = await reply(h.url, phone.profileId, 'agent to the guest');
      assert.equal((await conversations(h.url)).length, 2);

      const agents = await openAgentStream(h.url);
      open.push(agents);
      await agents.next((m) => m.comment === 'connected');
      const linked = await identify(h.url, phone, 'dana');
      assert.equal(linked.wasAnonymous, true);

      const list = await conversations(h.url);
      assert.deepEqual(
        list.map((c) => [c.profileId, c.userId, c.lastMessage.text]),
        [[linked.profileId, 'dana', 'agent to the guest']],
      );
      // The laptop was never on the guest profile: it pulls the moved messages.
      const keys = (await sync(h.url, laptop)).records.filter((r) => !r.deleted).map((r) => r.key);
      assert.deepEqual(keys.sort(), ['m:l1', 'm:p1', `m:${answer.id}`].sort());
      const heard = [
        JSON.parse((await agents.next((m) => m.event === 'message')).data ?? ''),
        JSON.parse((await agents.next((m) => m.event === 'message')).data ?? ''),
      ];
      assert.deepEqual(
        heard.map((d) => d.profileId).sort(),
        [linked.profileId, linked.previousProfileId].sort(),
      );
      // The phone pushing what it holds again changes nothing: same keys, same HLCs.
      const again = await sync(h.url, phone, [customerMessage('p1', 'from the phone', T + 10)]);
      assert.deepEqual(again.rejected, []);
      assert.equal((await conversations(h.url)).length, 1);
    });

    it('leaves a user’s conversation where it is when the device moves between users', async () => {
      const phone = await register(h.url, 'phone');
      await identify(h.url, phone, 'dana');
      await sync(h.url, phone, [customerMessage('d1', 'dana here', T)]);
      const eve = await identify(h.url, phone, 'eve');
      assert.equal(eve.wasAnonymous, false);
      assert.deepEqual(
        (await conversations(h.url)).map((c) => c.userId),
        ['dana'],
      );
    });
  });

  describe('GET /v1/agent/profiles/{profileId}', () => {
    it('shows traits, devices, live cart lines, drafts without secrets, the last 20 events newest first, and messages', async () => {
      const phone = await register(h.url, 'phone-aid');
      const laptop = await register(h.url, 'laptop-aid');
      await identify(h.url, phone, 'dana');
      const { profileId } = await identify(h.url, laptop, 'dana');
      // The traits the agent sees as verified come from the shop's servers (provenance.ts: the rest).
      await ingest(
        [
          {
            type: 'identify',
            messageId: 'i1',
            anonymousId: 'phone-aid',
            userId: 'dana',
            timestamp: '2026-01-01T00:00:00Z',
            traits: { name: 'Dana Old', plan: 'free' },
          },
          {
            type: 'identify',
            messageId: 'i2',
            anonymousId: 'laptop-aid',
            userId: 'dana',
            timestamp: '2026-01-02T00:00:00Z',
            context: { traits: { name: 'Dana Scully', email: 'dana@example.com' } },
          },
        ],
        true,
      );
      await ingest([
        ...Array.from({ length: 25 }, (_, i) =>
          trackEvent({
            messageId: `t${i}`,
            anonymousId: i % 2 ? 'phone-aid' : 'laptop-aid',
            timestamp: new Date(Date.UTC(2026, 0, 3, 0, i)).toISOString(),
          }),
        ),
        trackEvent({ messageId: 'stranger', anonymousId: 'someone-else', timestamp: '2027-01-01T00:00:00Z' }),
      ]);
      const saved = (value: unknown) => [value, T, 'phone-aid'];
      await sync(h.url, phone, [
        { doc: 'cart', key: 'mug', value: { productId: 'mug', name: 'Mug', price: 14, qty: 2 }, hlc: hlc(T) },
        { doc: 'cart', key: 'tee', value: null, hlc: hlc(T), deleted: true },
        { doc: 'form:checkout', key: 'city', value: saved('Lyon'), hlc: hlc(T) },
        { doc: 'form:checkout', key: 'cardNumber', value: saved('4111111111111111'), hlc: hlc(T) },
        { doc: 'form:checkout', key: 'cvv', value: saved('123'), hlc: hlc(T) },
        { doc: 'form:checkout', key: 'zip', value: null, hlc: hlc(T), deleted: true },
        { doc: 'form:contact', key: 'message', value: saved('Hello'), hlc: hlc(T) },
        customerMessage('c1', 'Is the mug dishwasher safe?', T),
      ]);
      h.clock.now = T + 1;
      const answer = await reply(h.url, profileId, 'Yes!', 'Mia');

      const view = await profile360(h.url, profileId);
      assert.equal(view.profileId, profileId);
      assert.equal(view.userId, 'dana');
      assert.equal(view.name, 'Dana Scully');
      assert.equal(view.nameVerified, true);
      assert.deepEqual(view.traits, { name: 'Dana Scully', plan: 'free', email: 'dana@example.com' });
      assert.deepEqual(view.unverifiedTraits, {});
      assert.deepEqual(
        (view.devices as { anonymousId: string; revoked: boolean }[]).map((d) => [d.anonymousId, d.revoked]),
        [
          ['phone-aid', false],
          ['laptop-aid', false],
        ],
      );
      assert.deepEqual(view.cart, [{ productId: 'mug', name: 'Mug', price: 14, qty: 2, key: 'mug' }]);
      assert.deepEqual(view.forms, {
        'form:checkout': { city: 'Lyon' },
        'form:contact': { message: 'Hello' },
      });
      const events = view.events as { messageId: string; type: string }[];
      assert.equal(events.length, 20);
      assert.deepEqual(
        events.slice(0, 3).map((e) => e.messageId),
        ['t24', 't23', 't22'],
      );
      assert.ok(!events.some((e) => e.messageId === 'stranger'));
      assert.deepEqual(
        (view.messages as { id: string; from: string }[]).map((m) => [m.id, m.from]),
        [
          ['c1', 'customer'],
          [answer.id, 'agent'],
        ],
      );
      assert.equal(view.unread, 1);
    });

    it('tells when each device was last heard from, with its user agent, and each event’s channel', async () => {
      const phone = await register(h.url, 'phone-aid');
      const laptop = await register(h.url, 'laptop-aid');
      await identify(h.url, phone, 'dana');
      const { profileId } = await identify(h.url, laptop, 'dana');
      const IPHONE =
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
      const before = new Date().toISOString();
      // Received first, though it claims a later time: the server's order of arrival decides.
      await ingest([
        trackEvent({
          messageId: 'old-browser',
          anonymousId: 'phone-aid',
          timestamp: '2030-01-01T00:00:00Z',
          context: { channel: 'web', userAgent: 'Mozilla/5.0 (Old)' },
        }),
      ]);
      await ingest([
        trackEvent({
          messageId: 'viewed',
          anonymousId: 'phone-aid',
          timestamp: '2026-01-01T00:00:00Z',
          context: { channel: 'app', userAgent: IPHONE },
        }),
      ]);
      const seen = new Date().toISOString();
      // The shop's servers speak about the device, not from it: neither its time nor its (absent) browser.
      await ingest(
        [
          trackEvent({
            messageId: 'in-store',
            event: 'Order Completed',
            anonymousId: 'phone-aid',
            timestamp: '2026-01-02T00:00:00Z',
            context: { channel: 'store' },
          }),
          trackEvent({
            messageId: 'no-channel',
            anonymousId: 'laptop-aid',
            timestamp: '2026-01-03T00:00:00Z',
          }),
        ],
        true,
      );

      const view = await profile360(h.url, profileId);
      const devices = view.devices as { anonymousId: string; lastSeenAt?: string; userAgent?: string }[];
      const [phoneSeen, laptopSeen] = ['phone-aid', 'laptop-aid'].map((id) =>
        devices.find((d) => d.anonymousId === id),
      );
      assert.equal(phoneSeen?.userAgent, IPHONE);
      assert.ok(
        phoneSeen?.lastSeenAt && phoneSeen.lastSeenAt >= before && phoneSeen.lastSeenAt <= seen,
        `last seen ${phoneSeen?.lastSeenAt} between ${before} and ${seen}`,
      );
      // Nothing received from the laptop itself: no time, no browser.
      assert.ok(laptopSeen && !('lastSeenAt' in laptopSeen) && !('userAgent' in laptopSeen));
      const channels = (view.events as { messageId: string; channel?: string }[]).map((e) => [
        e.messageId,
        e.channel,
      ]);
      assert.deepEqual(channels, [
        ['old-browser', 'web'],
        ['no-channel', undefined],
        ['in-store', 'store'],
        ['viewed', 'app'],
      ]);
    });

    it('answers 404 for an unknown profile', async () => {
      await assert.rejects(profile360(h.url, 'nope'), /profile: 404/);
    });
  });
});
