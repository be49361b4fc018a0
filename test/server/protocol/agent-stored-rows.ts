// What the agent API reads back is read defensively: rows stored before today's input guards (or by
// anything else that wrote the database) never fail the conversation list or a 360° view. The bad
// rows are planted straight in the database, as they sit in shops' databases today, and also pushed
// through the API where it still takes them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, postJson, startServer, TEST_NOW, trackEvent } from '../helpers.ts';
import { conversations, customerMessage, profile360 } from './agent-client.ts';
import { hlc, identify, register, sync, type TestDevice } from './client.ts';

/** JSON nested `depth` arrays deep: past SQLite's json depth (1000) and JSON.stringify's stack. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('agent API: stored rows read defensively (§7)', () => {
  let h: Harness;
  before(async () => {
    // Four devices per case, a dozen cases.
    h = await startServer({ rateLimits: { registrations: { limit: 1000, windowMs: 60_000 } } });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    await h.store.reset();
  });

  const T = TEST_NOW;
  /** Replaces the stored JSON text of a record, as a row written before the guards would hold it. */
  const plant = (profile: { profileId: string }, doc: string, key: string, text: string) =>
    h.database.exec(
      'UPDATE records SET value = $1 WHERE site_id = $2 AND profile_id = $3 AND doc = $4 AND key = $5',
      [text, 'shop', profile.profileId, doc, key],
    );
  const message = (text: string, at: string) => `{"text":${text},"from":"customer","at":${at}}`;

  /** Stored message texts a database cannot read back (SQLite json depth, PostgreSQL jsonb) or that are no message. */
  const BAD_MESSAGES: [string, string][] = [
    ['nested past SQLite’s json depth', message('"deep"', `${T},"x":${nested(1500)}`)],
    ['nested past JSON.stringify’s stack', message('"deeper"', `${T},"x":${nested(20_000)}`)],
    ['a \\u0000 escape', message('"nul \\u0000 here"', `${T}`)],
    ['a lone surrogate escape', message('"half \\ud800 here"', `${T}`)],
    ['a lone low surrogate escape', message('"half \\udc00 here"', `${T}`)],
    ['not JSON at all', '{"text": "cut off'],
    ['an `at` that is a string', message('"when"', '"yesterday"')],
    ['an `at` of 1e300', message('"pinned"', '1e300')],
    ['a JSON string', '"just text"'],
    ['null', 'null'],
  ];

  for (const [kind, text] of BAD_MESSAGES) {
    it(`lists every good conversation beside a stored message with ${kind}`, async () => {
      const good: TestDevice[] = [];
      for (const name of ['first', 'second']) {
        const device = await register(h.url, `good-${name}`);
        await sync(h.url, device, [customerMessage(name, `good ${name}`, T)]);
        good.push(device);
      }
      // The bad row beside a good message of its conversation, and alone in another.
      const mixed = await register(h.url, 'mixed');
      await sync(h.url, mixed, [
        customerMessage('bad', 'to be replaced', T),
        customerMessage('ok', 'readable', T),
      ]);
      await plant(mixed, 'chat', 'm:bad', text);
      const alone = await register(h.url, 'alone');
      await sync(h.url, alone, [customerMessage('bad', 'to be replaced', T)]);
      await plant(alone, 'chat', 'm:bad', text);

      const list = await conversations(h.url, '?limit=200');
      const texts = new Map(list.map((c) => [c.profileId, c.lastMessage.text]));
      assert.equal(texts.get(good[0].profileId), 'good first');
      assert.equal(texts.get(good[1].profileId), 'good second');
      assert.equal(texts.get(mixed.profileId), 'readable');
      // Every listed message is one the API can serve: a bad row is left out, never sent.
      assert.ok(JSON.stringify(list).length < 10_000);
      assert.ok(list.every((c) => typeof c.lastMessage.text === 'string'));
      // A page of one is still a page with a conversation in it.
      assert.equal((await conversations(h.url, '?limit=1')).length, 1);
    });
  }

  it('lists good conversations beside bad rows pushed through the API, whatever it answers to the push', async () => {
    const good = await register(h.url, 'good');
    await sync(h.url, good, [customerMessage('g1', 'hello', T)]);
    const values = [
      { text: 'deep', from: 'customer', at: T, x: JSON.parse(nested(1500)) },
      { text: 'nul \u0000 here', from: 'customer', at: T },
      { text: 'half \ud800 here', from: 'customer', at: T },
      { text: 'pinned', from: 'customer', at: 1e300 },
    ];
    for (const [i, value] of values.entries()) {
      const device = await register(h.url, `pushed-${i}`);
      // Refused (4xx) or merged: either way the list must not break.
      await fetch(`${h.url}/v1/sync`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${device.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ push: [{ doc: 'chat', key: `m:p${i}`, value, hlc: hlc(T, i) }] }),
      });
    }
    const list = await conversations(h.url);
    assert.ok(list.some((c) => c.profileId === good.profileId && c.lastMessage.text === 'hello'));
  });

  it('shows the 360° view of a profile with a bad cart line, draft, message and event, each replaced or left out', async () => {
    const phone = await register(h.url, 'phone-aid');
    const dana = await identify(h.url, phone, 'dana');
    const { profileId } = dana;
    const saved = (value: unknown) => [value, T, 'phone-aid'];
    await sync(h.url, phone, [
      { doc: 'cart', key: 'mug', value: { productId: 'mug', name: 'Mug', qty: 1 }, hlc: hlc(T) },
      { doc: 'cart', key: 'deep', value: { qty: 1 }, hlc: hlc(T) },
      { doc: 'cart', key: 'broken', value: { qty: 1 }, hlc: hlc(T) },
      { doc: 'cart', key: 'huge', value: { qty: 1 }, hlc: hlc(T) },
      { doc: 'form:checkout', key: 'city', value: saved('Lyon'), hlc: hlc(T) },
      { doc: 'form:checkout', key: 'street', value: saved('x'), hlc: hlc(T) },
      { doc: 'form:contact', key: 'message', value: saved('x'), hlc: hlc(T) },
      customerMessage('c1', 'Is the mug dishwasher safe?', T),
      customerMessage('c2', 'to be replaced', T),
    ]);
    await plant(dana, 'cart', 'deep', `{"qty":1,"x":${nested(20_000)}}`);
    await plant(dana, 'cart', 'broken', '{"qty": 1,');
    await plant(dana, 'cart', 'huge', JSON.stringify({ qty: 1, note: 'x'.repeat(70_000) }));
    await plant(dana, 'form:checkout', 'street', `[${nested(3000)}, 1, "phone-aid"]`);
    await plant(dana, 'form:contact', 'message', 'not json');
    await plant(dana, 'chat', 'm:c2', message('"deep"', `${T},"x":${nested(20_000)}`));

    const events = [
      trackEvent({ messageId: 'huge', anonymousId: 'phone-aid', timestamp: '2025-12-31T00:00:00Z' }),
      trackEvent({ messageId: 'good', anonymousId: 'phone-aid', timestamp: '2026-01-01T00:00:00Z' }),
      trackEvent({ messageId: 'deep', anonymousId: 'phone-aid', timestamp: '2026-01-02T00:00:00Z' }),
      trackEvent({ messageId: 'broken', anonymousId: 'phone-aid', timestamp: '2026-01-03T00:00:00Z' }),
      {
        type: 'identify',
        messageId: 'traits',
        anonymousId: 'phone-aid',
        userId: 'dana',
        timestamp: '2026-01-04T00:00:00Z',
        traits: { name: 'Dana', plan: 'gold' },
      },
    ];
    assert.equal((await postJson(`${h.url}/v1/batch`, { batch: events })).status, 200);
    const plantEvent = (messageId: string, body: string) =>
      h.database.exec('UPDATE events SET body = $1 WHERE site_id = $2 AND message_id = $3', [
        body,
        'shop',
        messageId,
      ]);
    await plantEvent(
      'deep',
      JSON.stringify({ ...events[2], properties: { sku: 'x' } }).replace('"x"', nested(20_000)),
    );
    await plantEvent('huge', JSON.stringify({ ...events[0], properties: { note: 'x'.repeat(70_000) } }));
    await plantEvent('broken', '{"type": "track", "properties": ');
    await plantEvent(
      'traits',
      JSON.stringify({ ...events[4] }).replace('"gold"', `{"tier":${nested(20_000)}}`),
    );

    const view = await profile360(h.url, profileId);
    const unavailable = (reason: string) => ({ $unavailable: reason });
    assert.equal(view.name, 'Dana');
    // Sent with the write key: claims, served apart from the (here empty) verified traits.
    assert.deepEqual(view.traits, {});
    assert.deepEqual(view.unverifiedTraits, { name: 'Dana', plan: unavailable('too_deep') });
    const cart = view.cart as Record<string, unknown>[];
    assert.deepEqual(
      cart.sort((a, b) => String(a.key).localeCompare(String(b.key))),
      [
        { ...unavailable('unreadable'), key: 'broken' },
        { ...unavailable('too_deep'), key: 'deep' },
        { ...unavailable('too_large'), key: 'huge' },
        { productId: 'mug', name: 'Mug', qty: 1, key: 'mug' },
      ],
    );
    assert.deepEqual(view.forms, {
      'form:checkout': { city: 'Lyon', street: unavailable('too_deep') },
      'form:contact': { message: unavailable('unreadable') },
    });
    const shown = view.events as { messageId: string; properties?: unknown }[];
    assert.deepEqual(
      shown.map((e) => [e.messageId, e.properties]),
      [
        ['traits', undefined],
        ['broken', unavailable('unreadable')],
        ['deep', unavailable('too_deep')],
        ['good', { sku: 'SKU-1', quantity: 1 }],
        ['huge', unavailable('too_large')],
      ],
    );
    assert.deepEqual(
      (view.messages as { id: string }[]).map((m) => m.id),
      ['c1'],
    );
    // The device's last event (`traits`, received last) cannot be read: it was still heard from.
    const [device] = view.devices as { lastSeenAt?: string; userAgent?: string }[];
    assert.equal(typeof device.lastSeenAt, 'string');
    assert.equal(device.userAgent, undefined);
  });
});
