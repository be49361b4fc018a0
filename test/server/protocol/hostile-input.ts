// Input no database can hold (U+0000, lone surrogates, JSON nested past the documented depth) is
// refused alone with a 4xx and a code, in every field of every request; the rest of a batch or push
// is stored intact, on SQLite and (through postgres.test.ts) on PostgreSQL. Records carrying a
// replica id reserved for the server are refused from devices; chat messages follow a strict schema.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MAX_CLOCK_AHEAD_MS, MAX_JSON_DEPTH, TOMBSTONE_TTL_MS } from '../../../server/index.ts';
import {
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SHOP_AGENT_KEY,
  startServer,
  TEST_NOW,
  trackEvent,
} from '../helpers.ts';
import { agentApi, customerMessage, reply } from './agent-client.ts';
import {
  api,
  hlc,
  identify,
  line,
  register,
  type SyncBody,
  sync,
  type TestDevice,
  userHash,
  type WireRecord,
} from './client.ts';

/** Strings a database cannot hold as sent: PostgreSQL refuses U+0000 and turns lone surrogates into U+FFFD. */
const BAD_TEXT: [string, string][] = [
  ['U+0000', 'a\u0000b'],
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate before text', '\udc00x'],
  ['a high surrogate at the end', 'x\ud800'],
];

/** Text every store keeps as sent: a surrogate pair, CJK, other control characters, U+FFFD itself. */
const GOOD_TEXT = 'Tee 😀 繁體 \u0001\t\n\ufffd "quoted" \\ end';

/** Placeholder replaced by raw JSON text: JSON.stringify cannot build a value nested 100,000 deep. */
const RAW = '@RAW@';
const withRaw = (value: unknown, raw: string) => JSON.stringify(value).replace(`"${RAW}"`, raw);
/** `levels` arrays nested in one another, as JSON text. */
const deepArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** `levels` objects nested in one another, as JSON text. */
const deepObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** A value whose objects nest `levels` deep (`levels` >= 1). */
const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });

describe('hostile input: refused alone, with a 4xx and a code, never a 500', () => {
  let h: Harness;
  let device: TestDevice;
  before(async () => {
    h = await startServer({
      rateLimits: {
        registrations: { limit: 10_000, windowMs: 60_000 },
        handoffClaims: { limit: 10_000, windowMs: 60_000 },
      },
    });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    device = await register(h.url, 'phone');
  });

  const T = TEST_NOW;
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;
  const post = (path: string, text: string, token?: string) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: text,
    });
  const storedEvents = async () =>
    (await h.database.rows('events')).map((row) => JSON.parse(row.body as string) as Record<string, unknown>);

  describe('events: the bad one refused (invalid_string, too_deep), the rest of the batch stored', () => {
    // [field, expected path in the message, event overrides holding the bad text]
    const fields: [string, string, (bad: string) => Record<string, unknown>][] = [
      ['messageId', 'messageId', (bad) => ({ messageId: `m-${bad}` })],
      ['anonymousId', 'anonymousId', (bad) => ({ anonymousId: bad })],
      ['userId', 'userId', (bad) => ({ userId: bad })],
      ['the event name', 'event', (bad) => ({ event: bad })],
      ['a property', 'properties.name', (bad) => ({ properties: { name: bad } })],
      ['a property key', 'properties', (bad) => ({ properties: { [bad]: 1 } })],
      [
        'an array item',
        'properties.items[1].name',
        (bad) => ({ properties: { items: [{ name: 'ok' }, { name: bad }] } }),
      ],
      ['context', 'context.page.title', (bad) => ({ context: { page: { title: bad } } })],
      ['a context key', 'context', (bad) => ({ context: { [bad]: 'x' } })],
      ['traits', 'traits.email', (bad) => ({ type: 'identify', event: undefined, traits: { email: bad } })],
      ['a top-level key', '', (bad) => ({ [bad]: 'x' })],
    ];
    for (const [field, path, overrides] of fields) {
      for (const [what, bad] of BAD_TEXT) {
        it(`${what} in ${field}`, async () => {
          const good = [trackEvent(), trackEvent()];
          const res = await postJson(`${h.url}/v1/batch`, {
            batch: [good[0], trackEvent(overrides(bad)), good[1]],
          });
          assert.equal(res.status, 200);
          const body = (await res.json()) as IngestBody;
          assert.equal(body.accepted, 2);
          assert.deepEqual(
            body.rejected.map((r) => [r.index, r.code]),
            [[1, 'invalid_string']],
          );
          if (path) assert.ok(body.rejected[0].message.includes(path), body.rejected[0].message);
          const stored = await storedEvents();
          assert.deepEqual(stored.map((e) => e.messageId).sort(), good.map((e) => e.messageId).sort());
        });
      }
    }

    it('stores well-formed text of every kind exactly as sent', async () => {
      const event = trackEvent({
        event: GOOD_TEXT,
        userId: GOOD_TEXT,
        properties: { [GOOD_TEXT]: GOOD_TEXT, list: [GOOD_TEXT] },
      });
      const body = (await (await postJson(`${h.url}/v1/batch`, { batch: [event] })).json()) as IngestBody;
      assert.deepEqual([body.accepted, body.rejected], [1, []]);
      const [row] = await h.database.rows('events');
      assert.equal(row.user_id, GOOD_TEXT);
      assert.equal(row.event, GOOD_TEXT);
      assert.deepEqual(JSON.parse(row.body as string), event);
    });

    it(`accepts an event nested ${MAX_JSON_DEPTH} deep, refuses one level more (too_deep), naming where`, async () => {
      // The event object is the first level.
      const atLimit = trackEvent({ properties: nest(MAX_JSON_DEPTH - 1) });
      const over = trackEvent({ properties: nest(MAX_JSON_DEPTH) });
      const res = await postJson(`${h.url}/v1/batch`, { batch: [atLimit, over] });
      const body = (await res.json()) as IngestBody;
      assert.equal(body.accepted, 1);
      assert.deepEqual(
        body.rejected.map((r) => [r.index, r.code]),
        [[1, 'too_deep']],
      );
      assert.match(body.rejected[0].message, /^properties(\.a)+/);
      assert.match(body.rejected[0].message, new RegExp(`${MAX_JSON_DEPTH}`));
      assert.deepEqual(
        (await storedEvents()).map((e) => e.messageId),
        [atLimit.messageId],
      );
    });

    for (const [shape, raw] of [
      ['arrays nested 100,000 deep', deepArrays(100_000)],
      ['objects nested 50,000 deep', deepObjects(50_000)],
    ] as const) {
      it(`refuses ${shape} in a batch of three as too_deep, and stores the other two`, async () => {
        const good = [trackEvent(), trackEvent()];
        const text = withRaw({ batch: [good[0], trackEvent({ properties: { x: RAW } }), good[1]] }, raw);
        const res = await postJson(`${h.url}/v1/batch`, text);
        assert.equal(res.status, 200);
        const body = (await res.json()) as IngestBody;
        assert.equal(body.accepted, 2);
        assert.deepEqual(
          body.rejected.map((r) => [r.index, r.code]),
          [[1, 'too_deep']],
        );
        assert.equal((await storedEvents()).length, 2);
      });
    }

    it('refuses a single-event body (Segment /t) nested 100,000 deep with a 2xx report, not a 500', async () => {
      const text = withRaw({ ...trackEvent(), properties: RAW }, deepArrays(100_000));
      const res = await postJson(`${h.url}/t`, text);
      assert.equal(res.status, 200);
      const body = (await res.json()) as IngestBody;
      assert.deepEqual(
        body.rejected.map((r) => r.code),
        ['too_deep'],
      );
    });

    it('refuses a number JSON cannot hold (1e400 parses to Infinity) as invalid_number', async () => {
      const good = trackEvent();
      const text = withRaw({ batch: [trackEvent({ properties: { price: RAW } }), good] }, '1e400');
      const body = (await (await postJson(`${h.url}/v1/batch`, text)).json()) as IngestBody;
      assert.deepEqual(
        body.rejected.map((r) => [r.index, r.code]),
        [[0, 'invalid_number']],
      );
      assert.match(body.rejected[0].message, /properties\.price/);
      assert.deepEqual(
        (await storedEvents()).map((e) => e.messageId),
        [good.messageId],
      );
    });
  });

  describe('sync records: the bad one refused per record, the rest of the push merged', () => {
    const fields: [string, string, (bad: string) => WireRecord][] = [
      ['doc', 'push[1].doc', (bad) => ({ ...line('b', 1, T), doc: bad })],
      ['key', 'push[1].key', (bad) => ({ ...line('b', 1, T), key: bad })],
      ['a string value', 'push[1].value', (bad) => ({ ...line('b', 1, T), value: bad })],
      [
        'a nested value',
        'push[1].value.name',
        (bad) => ({ ...line('b', 1, T), value: { qty: 1, name: bad } }),
      ],
      ['a key of the value', 'push[1].value', (bad) => ({ ...line('b', 1, T), value: { [bad]: 1 } })],
      ['an array item', 'push[1].value[2]', (bad) => ({ ...line('b', 1, T), value: ['x', 'y', bad] })],
      [
        'a chat message',
        'push[1].value.text',
        (bad) => ({ ...customerMessage('c1', bad, T), hlc: hlc(T, 0, 'replica2') }),
      ],
    ];
    for (const [field, path, record] of fields) {
      for (const [what, bad] of BAD_TEXT) {
        it(`${what} in ${field}`, async () => {
          const res = await api(h.url, 'POST', '/v1/sync', {
            token: device.token,
            body: { push: [line('a', 1, T), record(bad), line('c', 3, T)], cursor: '' },
          });
          assert.equal(res.status, 200);
          const body = (await res.json()) as SyncBody;
          assert.deepEqual(
            body.rejected.map((r) => [r.hlc, r.code]),
            [[record(bad).hlc, 'invalid_string']],
          );
          assert.ok(body.rejected[0].message.includes(path), body.rejected[0].message);
          assert.deepEqual(
            body.records.map((r) => r.key),
            ['a', 'c'],
          );
          assert.equal((await h.database.rows('records')).length, 2);
        });
      }
    }

    it('stores well-formed text of every kind exactly as sent, and pulls it back intact', async () => {
      const record = { doc: GOOD_TEXT, key: GOOD_TEXT, value: { [GOOD_TEXT]: [GOOD_TEXT] }, hlc: hlc(T) };
      const body = await sync(h.url, device, [record]);
      assert.deepEqual(body.rejected, []);
      const other = await register(h.url, 'other');
      await identify(h.url, device, 'mei');
      await identify(h.url, other, 'mei');
      await sync(h.url, device, [{ ...record, hlc: hlc(T, 1) }]);
      const [pulled] = (await sync(h.url, other)).records;
      assert.deepEqual(pulled, { ...record, hlc: hlc(T, 1), deleted: false });
    });

    it(`accepts a value nested ${MAX_JSON_DEPTH} deep, refuses one level more (too_deep)`, async () => {
      const atLimit: WireRecord = { doc: 'd', key: 'limit', value: nest(MAX_JSON_DEPTH), hlc: hlc(T) };
      const over: WireRecord = { doc: 'd', key: 'over', value: nest(MAX_JSON_DEPTH + 1), hlc: hlc(T, 1) };
      const body = await sync(h.url, device, [atLimit, over]);
      assert.deepEqual(
        body.rejected.map((r) => [r.hlc, r.code]),
        [[over.hlc, 'too_deep']],
      );
      assert.match(body.rejected[0].message, /push\[1\]\.value(\.a)+/);
      assert.deepEqual(
        body.records.map((r) => r.key),
        ['limit'],
      );
    });

    for (const [shape, raw] of [
      ['arrays nested 100,000 deep', deepArrays(100_000)],
      ['objects nested 100,000 deep', deepObjects(100_000)],
    ] as const) {
      it(`refuses ${shape} as too_deep, and merges the rest of the push`, async () => {
        const push = [
          line('a', 1, T),
          { doc: 'd', key: 'deep', value: RAW, hlc: hlc(T, 1) },
          line('c', 3, T),
        ];
        const res = await post('/v1/sync', withRaw({ push, cursor: '' }, raw), device.token);
        assert.equal(res.status, 200);
        const body = (await res.json()) as SyncBody;
        assert.deepEqual(
          body.rejected.map((r) => [r.hlc, r.code]),
          [[hlc(T, 1), 'too_deep']],
        );
        assert.deepEqual(
          body.records.map((r) => r.key),
          ['a', 'c'],
        );
      });
    }

    it('refuses a number JSON cannot hold (1e400) as invalid_number', async () => {
      const push = [{ doc: 'cart', key: 'b', value: { qty: RAW }, hlc: hlc(T) }, line('a', 1, T)];
      const body = (await (
        await post('/v1/sync', withRaw({ push, cursor: '' }, '1e400'), device.token)
      ).json()) as SyncBody;
      assert.deepEqual(
        body.rejected.map((r) => r.code),
        ['invalid_number'],
      );
      assert.deepEqual(
        body.records.map((r) => r.key),
        ['a'],
      );
    });
  });

  describe('replica ids reserved for the server', () => {
    for (const replica of ['server', 'agent']) {
      it(`refuses a device's record written as "${replica}" (reserved_replica), merging the rest`, async () => {
        const forged = [
          line('b', 1, T, replica),
          { ...customerMessage('c1', 'hi', T), hlc: hlc(T, 0, replica) },
          { doc: 'cart', key: 'd', value: null, hlc: hlc(T, 1, replica), deleted: true },
        ];
        const body = await sync(h.url, device, [line('a', 1, T), ...forged]);
        assert.deepEqual(
          body.rejected.map((r) => [r.hlc, r.code]),
          forged.map((r) => [r.hlc, 'reserved_replica']),
        );
        assert.match(body.rejected[0].message, new RegExp(`"${replica}"`));
        assert.deepEqual(
          body.records.map((r) => r.key),
          ['a'],
        );
      });
    }

    it("keeps the server's own writes working: an agent reply, and a device pushing it back is refused", async () => {
      await sync(h.url, device, [customerMessage('c1', 'Where is my order?', T)]);
      const { id } = await reply(h.url, device.profileId, 'On its way');
      const pulled = (await sync(h.url, device)).records.find((r) => r.key === `m:${id}`)!;
      assert.match(pulled.hlc, /-agent$/);
      const pushedBack = await sync(h.url, device, [pulled]);
      assert.deepEqual(
        pushedBack.rejected.map((r) => r.code),
        ['reserved_replica'],
      );
    });

    it('a replica id that merely starts like a reserved one is a device like any other', async () => {
      const body = await sync(h.url, device, [line('a', 1, T, 'server2'), line('b', 1, T, 'agents')]);
      assert.deepEqual(body.rejected, []);
    });
  });

  describe('chat messages: a strict schema', () => {
    const message = (value: Record<string, unknown>, n = 1): WireRecord => ({
      doc: 'chat',
      key: `m:x${n}`,
      value: { text: 'hi', from: 'customer', at: T, ...value },
      hlc: hlc(T, n),
    });
    const refused: [string, Record<string, unknown>][] = [
      ['at: 1e300', { at: 1e300 }],
      ['at: -1', { at: -1 }],
      ['at older than the sync horizon', { at: T - TOMBSTONE_TTL_MS - 1 }],
      ['at further ahead than a device clock may run', { at: T + MAX_CLOCK_AHEAD_MS + 1 }],
      ['at as a string', { at: String(T) }],
      ['a name (the agent’s field)', { name: 'Support' }],
      ['an unknown field', { priority: 'urgent' }],
      ['an id field', { id: 'x1' }],
      ['fields that are not strings', { fields: { name: 7 } }],
      ['fields holding an object', { fields: { name: { first: 'a' } } }],
      [
        'too many fields',
        { fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x'])) },
      ],
      ['a field over 500 characters', { fields: { note: 'x'.repeat(501) } }],
    ];
    for (const [what, value] of refused) {
      it(`refuses a customer message with ${what} (invalid_record), merging the rest`, async () => {
        const good = message({ fields: { name: 'Dana', email: 'dana@example.com' } }, 1);
        const bad = message(value, 2);
        const body = await sync(h.url, device, [good, bad, line('a', 1, T)]);
        assert.deepEqual(
          body.rejected.map((r) => [r.hlc, r.code]),
          [[bad.hlc, 'invalid_record']],
        );
        assert.deepEqual(body.records.map((r) => r.key).sort(), ['a', 'm:x1']);
      });
    }

    it('accepts a message whose at runs ahead of the server within the clock allowance', async () => {
      const ahead = { ...message({ at: T + MAX_CLOCK_AHEAD_MS }), hlc: hlc(T + MAX_CLOCK_AHEAD_MS) };
      const old = {
        ...message({ at: T - TOMBSTONE_TTL_MS + 1000 }, 2),
        hlc: hlc(T - TOMBSTONE_TTL_MS + 1000),
      };
      assert.deepEqual((await sync(h.url, device, [ahead, old])).rejected, []);
    });

    const readRefused: [string, unknown][] = [
      ['at: 1e300', { at: 1e300 }],
      ['at: -1', { at: -1 }],
      ['at further ahead than a device clock may run', { at: T + MAX_CLOCK_AHEAD_MS + 1 }],
      ['an extra field', { at: T, by: 'me' }],
      ['no at', {}],
    ];
    for (const [what, value] of readRefused) {
      it(`refuses a read marker with ${what} (invalid_record)`, async () => {
        const body = await sync(h.url, device, [{ doc: 'chat', key: 'read', value, hlc: hlc(T) }]);
        assert.deepEqual(
          body.rejected.map((r) => r.code),
          ['invalid_record'],
        );
      });
    }

    it('accepts a read marker naming an agent message older than the sync horizon', async () => {
      // The marker is the `at` of the newest agent message read: a reply may be months old.
      const body = await sync(h.url, device, [
        { doc: 'chat', key: 'read', value: { at: T - 2 * TOMBSTONE_TTL_MS }, hlc: hlc(T) },
      ]);
      assert.deepEqual(body.rejected, []);
    });
  });

  describe('POST /v1/identify: a userId must be well-formed Unicode', () => {
    it('refuses "x\\ud800" signed with the hash of "x\\ufffd", and never links it to that profile', async () => {
      const owner = await register(h.url, 'owner');
      const profile = await identify(h.url, owner, 'x\ufffd');
      const res = await api(h.url, 'POST', '/v1/identify', {
        token: device.token,
        body: { userId: 'x\ud800', userHash: userHash('x\ufffd') },
      });
      assert.equal(res.status, 400);
      assert.equal((await errorOf(res)).code, 'invalid_user_id');
      const after = await sync(h.url, device);
      assert.equal(after.profileId, device.profileId);
      assert.notEqual(after.profileId, profile.profileId);
    });

    for (const [what, bad] of BAD_TEXT) {
      it(`refuses a userId with ${what} (400 invalid_user_id), whatever hash comes with it`, async () => {
        for (const hash of [userHash(bad), userHash(bad.replace(/[\ud800-\udfff]/g, '\ufffd'))]) {
          const res = await api(h.url, 'POST', '/v1/identify', {
            token: device.token,
            body: { userId: bad, userHash: hash },
          });
          assert.equal(res.status, 400);
          assert.equal((await errorOf(res)).code, 'invalid_user_id');
        }
        assert.equal((await h.database.rows('profiles')).filter((p) => p.user_id !== null).length, 0);
      });
    }
  });

  describe('single fields of the other requests', () => {
    for (const [what, bad] of BAD_TEXT) {
      it(`refuses ${what} in an anonymousId (400 invalid_anonymous_id), registering nothing`, async () => {
        const before = (await h.database.rows('devices')).length;
        const res = await api(h.url, 'POST', '/v1/devices', {
          body: { writeKey: 'shop-key', anonymousId: bad },
        });
        assert.equal(res.status, 400);
        assert.equal((await errorOf(res)).code, 'invalid_anonymous_id');
        assert.equal((await h.database.rows('devices')).length, before);
      });

      it(`refuses ${what} in a handoff token (400 invalid_handoff_token)`, async () => {
        for (const path of ['/v1/handoff/peek', '/v1/handoff/claim']) {
          const res = await api(h.url, 'POST', path, { token: device.token, body: { token: bad } });
          assert.equal(res.status, 400, path);
          assert.equal((await errorOf(res)).code, 'invalid_handoff_token');
        }
      });

      it(`refuses ${what} in an agent reply's text or name, or the agent's typing name (400)`, async () => {
        const conversation = `/v1/agent/conversations/${device.profileId}`;
        const cases: [string, unknown, string][] = [
          ['messages', { text: bad }, 'invalid_text'],
          ['messages', { text: 'ok', name: bad }, 'invalid_name'],
          ['typing', { typing: true, name: bad }, 'invalid_name'],
        ];
        for (const [route, body, code] of cases) {
          const res = await agentApi(h.url, 'POST', `${conversation}/${route}`, { body });
          assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}`);
          assert.equal((await errorOf(res)).code, code);
        }
        assert.deepEqual(await h.database.rows('records'), [], 'no reply stored');
      });
    }

    it('answers a body nested 100,000 deep in any field with its 4xx, on every route', async () => {
      const handoff = (await (await api(h.url, 'POST', '/v1/handoff', { token: device.token })).json()) as {
        token: string;
      };
      const conversation = `/v1/agent/conversations/${device.profileId}`;
      // [path, a valid body, the field made deep, the answer, the credential]
      const cases: [string, Record<string, unknown>, string, number, string | undefined][] = [
        ['/v1/devices', { writeKey: 'shop-key', anonymousId: 'a' }, 'anonymousId', 400, undefined],
        ['/v1/devices', { writeKey: 'shop-key', anonymousId: 'a' }, 'writeKey', 401, undefined],
        ['/v1/identify', { userId: 'mei', userHash: userHash('mei') }, 'userId', 400, device.token],
        ['/v1/identify', { userId: 'mei', userHash: userHash('mei') }, 'userHash', 403, device.token],
        ['/v1/sync', { push: [], cursor: '' }, 'cursor', 400, device.token],
        ['/v1/handoff/peek', { token: handoff.token }, 'token', 400, device.token],
        ['/v1/handoff/claim', { token: handoff.token }, 'token', 400, device.token],
        ['/v1/chat/typing', { typing: true }, 'typing', 400, device.token],
        [`${conversation}/messages`, { text: 'ok', name: 'Mia' }, 'text', 400, SHOP_AGENT_KEY],
        [`${conversation}/messages`, { text: 'ok', name: 'Mia' }, 'name', 400, SHOP_AGENT_KEY],
        [`${conversation}/typing`, { typing: true, name: 'Mia' }, 'typing', 400, SHOP_AGENT_KEY],
        [`${conversation}/typing`, { typing: true, name: 'Mia' }, 'name', 400, SHOP_AGENT_KEY],
      ];
      for (const [path, body, field, status, token] of cases) {
        const res = await post(path, withRaw({ ...body, [field]: RAW }, deepArrays(100_000)), token);
        assert.equal(res.status, status, `${path} ${field}`);
      }
      // A push nested 100,000 deep is a push of one record that is no record: refused per record.
      const res = await post('/v1/sync', withRaw({ push: RAW }, deepArrays(100_000)), device.token);
      assert.equal(res.status, 200);
      assert.deepEqual(
        ((await res.json()) as SyncBody).rejected.map((r) => r.code),
        ['invalid_record'],
      );
      assert.deepEqual(await h.database.rows('records'), []);
    });
  });

  describe('path parameters', () => {
    for (const [what, bad] of [
      ['U+0000', '%00'],
      ['U+0000 inside an id', 'p%00x'],
      ['an encoded lone surrogate', '%ED%A0%80'],
    ]) {
      it(`answers a profileId with ${what} with 404 profile_not_found on every agent route`, async () => {
        const routes: [string, string, unknown][] = [
          ['GET', `/v1/agent/profiles/${bad}`, undefined],
          ['POST', `/v1/agent/conversations/${bad}/messages`, { text: 'hi' }],
          ['POST', `/v1/agent/conversations/${bad}/read`, undefined],
          ['POST', `/v1/agent/conversations/${bad}/typing`, { typing: true }],
        ];
        for (const [method, path, body] of routes) {
          const res = await agentApi(h.url, method, path, { body });
          assert.equal(res.status, 404, `${method} ${path}`);
          assert.equal((await errorOf(res)).code, 'profile_not_found');
        }
      });
    }
  });
});
