// Provenance: the public write key (in every page) never speaks for the shop. What it says is stored
// and shown as a claim; it can neither shadow an event the shop's servers send with the secret server
// key (deduplication is per credential) nor overwrite what the agent sees as verified.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  type Harness,
  type IngestBody,
  postJson,
  SHOP_SERVER_KEY,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { conversations, customerMessage, profile360 } from './agent-client.ts';
import { identify, register, sync } from './client.ts';

/** What the write key (a page) or the server key (the shop's servers) posts to /v1/batch. */
type Sender = 'page' | 'server';

describe('provenance: a public write key never speaks for the shop', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    await h.store.reset();
  });

  async function post(sender: Sender, events: Record<string, unknown>[]): Promise<IngestBody> {
    const res =
      sender === 'page'
        ? await postJson(`${h.url}/v1/batch`, { batch: events })
        : await postJson(
            `${h.url}/v1/batch`,
            { batch: events },
            { writeKey: null, headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` } },
          );
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as IngestBody;
  }

  let identifies = 0;
  const identifyEvent = (userId: string, traits: Record<string, unknown>, day: number) => ({
    type: 'identify',
    messageId: `identify-${++identifies}`,
    userId,
    anonymousId: null,
    timestamp: new Date(Date.UTC(2026, 0, day)).toISOString(),
    traits,
  });

  /** A signed-in customer (`userId`) with a chat message, so the agent lists the conversation. */
  async function customer(userId: string) {
    const phone = await register(h.url, `${userId}-phone`);
    const { profileId } = await identify(h.url, phone, userId);
    await sync(h.url, phone, [customerMessage(`${userId}-1`, 'hello', TEST_NOW)]);
    return { phone, profileId };
  }

  const listed = async (profileId: string) =>
    (await conversations(h.url)).find((c) => c.profileId === profileId);

  describe('deduplication per credential', () => {
    it('stores the POS receipt sent with the server key though the write key sent its messageId first', async () => {
      const forged = trackEvent({ messageId: 'pos-r-981', event: 'Order Completed', userId: 'dana' });
      const receipt = trackEvent({
        messageId: 'pos-r-981',
        event: 'Order Completed',
        userId: 'dana',
        properties: { order_id: 'r-981', total: 42 },
        context: { channel: 'store' },
      });
      assert.deepEqual(await post('page', [forged]), {
        ok: true,
        accepted: 1,
        duplicates: 0,
        rejected: [],
        rejectedCount: 0,
      });
      assert.deepEqual(await post('server', [receipt]), {
        ok: true,
        accepted: 1,
        duplicates: 0,
        rejected: [],
        rejectedCount: 0,
      });
      // Re-sends are still deduplicated, each against its own credential's events.
      assert.deepEqual(await post('server', [receipt]), {
        ok: true,
        accepted: 0,
        duplicates: 1,
        rejected: [],
        rejectedCount: 0,
      });
      assert.deepEqual(await post('page', [receipt]), {
        ok: true,
        accepted: 0,
        duplicates: 1,
        rejected: [],
        rejectedCount: 0,
      });

      const stored = await h.store.listEvents('shop', { messageId: 'pos-r-981' });
      assert.deepEqual(
        stored.map((e) => [e.credential, e.body]),
        [
          ['public', forged],
          ['server', receipt],
        ],
      );
    });
  });

  describe('verified traits come only from the server key', () => {
    it('a forged identify with the write key does not change the verified email; a server-key identify does', async () => {
      const { profileId } = await customer('dana');
      await post('server', [identifyEvent('dana', { email: 'dana@shop.example', name: 'Dana Scully' }, 1)]);
      // Later, and many of them: neither the newest nor the most numerous claim wins.
      await post(
        'page',
        Array.from({ length: 210 }, (_, i) =>
          identifyEvent('dana', { email: 'evil@attacker.example', name: 'Mallory', plan: `vip-${i}` }, 2),
        ),
      );

      const view = await profile360(h.url, profileId);
      assert.deepEqual(view.traits, { email: 'dana@shop.example', name: 'Dana Scully' });
      assert.deepEqual(
        view.unverifiedTraits,
        { plan: 'vip-209' },
        'claims shown apart, never over a verified trait',
      );
      assert.deepEqual([view.name, view.nameVerified], ['Dana Scully', true]);
      const entry = await listed(profileId);
      assert.deepEqual([entry?.name, entry?.nameVerified], ['Dana Scully', true]);

      await post('server', [identifyEvent('dana', { email: 'dana@new.example' }, 3)]);
      const updated = await profile360(h.url, profileId);
      assert.deepEqual(updated.traits, { email: 'dana@new.example', name: 'Dana Scully' });
    });

    it('shows what only the write key claims as unverified: traits, and the name the agent sees', async () => {
      const { profileId } = await customer('erin');
      await post('page', [identifyEvent('erin', { name: 'Erin Claimed', email: 'erin@claimed.example' }, 1)]);

      const view = await profile360(h.url, profileId);
      assert.deepEqual(view.traits, {});
      assert.deepEqual(view.unverifiedTraits, { name: 'Erin Claimed', email: 'erin@claimed.example' });
      assert.deepEqual([view.name, view.nameVerified], ['Erin Claimed', false]);
      const entry = await listed(profileId);
      assert.deepEqual([entry?.name, entry?.nameVerified], ['Erin Claimed', false]);

      // A verified email outranks a claimed name.
      await post('server', [identifyEvent('erin', { email: 'erin@shop.example' }, 2)]);
      const verified = await profile360(h.url, profileId);
      assert.deepEqual([verified.name, verified.nameVerified], ['erin@shop.example', true]);
      assert.deepEqual(verified.unverifiedTraits, { name: 'Erin Claimed' });
    });

    it('marks a store order sent with the write key unverified, and the POS’s verified', async () => {
      const { profileId } = await customer('fay');
      const order = (messageId: string, day: number) =>
        trackEvent({
          messageId,
          event: 'Order Completed',
          userId: 'fay',
          timestamp: new Date(Date.UTC(2026, 0, day)).toISOString(),
          context: { channel: 'store' },
        });
      await post('page', [order('pos-fake', 1)]);
      await post('server', [order('pos-real', 2)]);

      const events = (await profile360(h.url, profileId)).events as {
        messageId: string;
        verified: boolean;
      }[];
      assert.deepEqual(
        events.map((e) => [e.messageId, e.verified]),
        [
          ['pos-real', true],
          ['pos-fake', false],
        ],
      );
    });
  });
});
