// Conformance: every request this test sends and every answer the real server gives are checked
// against docs/openapi.json, and every documented (operation, status) must be exercised once. Both
// are checked against the protocol module (src/protocol) too: the OpenAPI file's limits are its
// constants, its answer schemas and the real answers carry exactly the fields of its types.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DEVICE_TOKEN_BITS,
  HANDOFF_TOKEN_BITS,
  HLC_PATTERN,
  MAX_CHAT_TEXT_LENGTH,
  MAX_CLOCK_AHEAD_MS,
  MAX_EVENT_CHARS,
  MAX_EVENT_REQUEST_BYTES,
  MAX_ID_LENGTH,
  MAX_JSON_DEPTH,
  MAX_LISTED_REJECTIONS,
  MAX_MESSAGE_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_RECORDS_PER_PUSH,
  MAX_REQUEST_BYTES,
  MAX_SYNC_BODY_BYTES,
  MAX_VALUE_BYTES,
  REJECTED_EVENT_CODES,
  REJECTED_RECORD_CODES,
  SHAPES,
  type ShapeName,
  SYNC_PAGE_SIZE,
  TOMBSTONE_TTL_MS,
} from '../../src/protocol/index.ts';
import {
  BLOG_ORIGIN,
  basicAuth,
  type Harness,
  SHOP_AGENT_KEY,
  SHOP_ORIGIN,
  SHOP_SERVER_KEY,
  setHarnessDatabase,
  startServer,
  trackEvent,
} from './helpers.ts';
import { METRICS_TOKEN } from './metrics-scrape.ts';
import { startPostgres } from './postgres.ts';
import {
  ANSWER_SHAPES,
  OPENAPI_SCHEMAS,
  requiredFields,
  STREAM_EVENT_SHAPES,
  shapeProblems,
} from './protocol/answer-shapes.ts';
import { hlc, type TestDevice, userHash } from './protocol/client.ts';
import { AGENT, ASSOCIATE, sitesWithStaff } from './protocol/console-client.ts';
import { resolveRef, validate } from './protocol/json-schema.ts';
import { sqliteDatabase } from './test-database.ts';

type Json = Record<string, unknown>;
const spec = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as Json;
const paths = spec.paths as Record<string, Record<string, Json>>;

let h: Harness;
before(async () => {
  h = await startServer({
    sites: await sitesWithStaff(),
    limits: {
      registrations: { limit: 40, windowMs: 60_000 },
      handoffs: { limit: 3, windowMs: 60_000 },
      handoffClaims: { limit: 20, windowMs: 60_000 },
      storeLookups: { limit: 10, windowMs: 60_000 },
      batchesPerIp: { limit: 30, windowMs: 60_000 },
      syncPerDevice: { limit: 20, windowMs: 60_000 },
      streamsPerDevice: 1,
      agentKeyFailures: { limit: 5, windowMs: 60_000 },
      loginsPerAccount: { limit: 3, windowMs: 60_000 },
    },
    // The limits' 429s are reached from addresses of their own (X-Forwarded-For of the loopback peer).
    trustedProxies: ['127.0.0.1', '::1'],
  });
});
after(() => h.close());

const seen = new Set<string>();
/** The protocol module's shapes met in real answers. */
const shapesSeen = new Set<ShapeName>();
const deref = <T>(node: unknown): T =>
  (typeof (node as Json)?.$ref === 'string' ? resolveRef((node as Json).$ref as string, spec) : node) as T;

interface Exchange {
  /** Another server than the file's (default `h.url`). */
  base?: string;
  token?: string;
  body?: unknown;
  /** Sent as is, not checked against the request schema (oversized bodies). */
  raw?: string;
  /** false: the request is invalid on purpose, and the schema must say so too. */
  valid?: boolean;
  headers?: Record<string, string>;
  query?: string;
  /** Values of the path's `{name}` parameters. */
  params?: Record<string, string>;
}

/** Sends a request, checks both sides against the spec, and returns the parsed JSON answer. */
async function exchange(method: string, path: string, status: number, x: Exchange = {}): Promise<Json> {
  const operation = paths[path]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${path} is not in openapi.json`);
  if (x.body !== undefined) {
    const requestBody = operation.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
    assert.ok(requestBody, `${method} ${path} documents no request body`);
    const problems = validate(x.body, requestBody.content['application/json'].schema, spec);
    if (x.valid === false) assert.notDeepEqual(problems, [], 'the schema must reject this request too');
    else assert.deepEqual(problems, [], `request of ${method} ${path}`);
  }
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(x.params?.[name] ?? name));
  const res = await fetch(`${x.base ?? h.url}${url}${x.query ?? ''}`, {
    method,
    headers: {
      ...(x.body !== undefined || x.raw !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(x.token ? { Authorization: `Bearer ${x.token}` } : {}),
      ...x.headers,
    },
    body: x.raw ?? (x.body === undefined ? undefined : JSON.stringify(x.body)),
  });
  assert.equal(
    res.status,
    status,
    `${method} ${path}: ${res.status} ${res.status >= 400 ? await res.clone().text() : ''}`,
  );
  const responses = operation.responses as Record<string, unknown>;
  const key = String(status) in responses ? String(status) : 'default';
  const documented = deref<{ content?: Record<string, { schema: unknown }>; headers?: Json }>(responses[key]);
  assert.ok(documented, `${method} ${path} does not document ${status}`);
  seen.add(`${method} ${path} ${key}`);
  for (const header of Object.keys(documented.headers ?? {})) {
    assert.ok(res.headers.has(header), `${method} ${path} ${status}: documented header ${header} missing`);
  }

  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!documented.content) {
    assert.equal(await res.text(), '', `${method} ${path} ${status} documents no body`);
    return {};
  }
  assert.ok(documented.content[type], `${method} ${path} ${status}: undocumented content type "${type}"`);
  if (type !== 'application/json') return {};
  const body = (await res.json()) as Json;
  assert.deepEqual(
    validate(body, documented.content[type].schema, spec),
    [],
    `answer of ${method} ${path} ${status}`,
  );
  const shape = status >= 400 ? 'ErrorBody' : ANSWER_SHAPES[`${method} ${path} ${status}`];
  if (shape) {
    assert.deepEqual(
      shapeProblems(body, shape, shapesSeen),
      [],
      `answer of ${method} ${path} ${status}: the protocol's ${shape}`,
    );
  }
  return body;
}

/** Checks the `data` of a device stream event against the protocol's shape of that event. */
const checkStreamData = (event: string, data: unknown) =>
  assert.deepEqual(shapeProblems(data, STREAM_EVENT_SHAPES[event], shapesSeen), [], `${event} event data`);

const register = async (anonymousId: string, writeKey = 'shop-key') =>
  (await exchange('POST', '/v1/devices', 201, { body: { writeKey, anonymousId } })) as unknown as TestDevice;
const cut = { headers: { Origin: BLOG_ORIGIN } }; // an origin the shop does not allow

describe('docs/openapi.json', () => {
  it('is OpenAPI 3.1 and every $ref resolves', () => {
    assert.equal(spec.openapi, '3.1.0');
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') resolveRef(v as string, spec);
          else walk(v);
        }
      }
    };
    walk(spec);
  });

  it('states the limits of the protocol module (src/protocol/limits.ts)', () => {
    const schemas = (spec.components as { schemas: Record<string, Json> }).schemas;
    const field = (schema: string, name: string) =>
      (schemas[schema].properties as Record<string, Json>)[name];
    assert.equal(field('SyncRequest', 'push').maxItems, MAX_RECORDS_PER_PUSH);
    assert.equal(field('SyncResponse', 'records').maxItems, SYNC_PAGE_SIZE);
    for (const schema of ['SyncResponse', 'BatchResponse']) {
      assert.equal(field(schema, 'rejected').maxItems, MAX_LISTED_REJECTIONS, schema);
    }
    for (const name of ['doc', 'key']) assert.equal(field('Record', name).maxLength, MAX_NAME_LENGTH);
    for (const schema of ['Record', 'StoredRecord'])
      assert.equal(field(schema, 'hlc').pattern, HLC_PATTERN.source);
    assert.equal(field('RegisterRequest', 'anonymousId').maxLength, MAX_ID_LENGTH);
    assert.equal(field('IdentifyRequest', 'userId').maxLength, MAX_ID_LENGTH);
    assert.equal(field('HandoffTokenRequest', 'token').maxLength, MAX_ID_LENGTH);
    // base64url: 6 bits a character.
    const token = (bits: number) => `^[A-Za-z0-9_-]{${Math.ceil(bits / 6)},}$`;
    assert.equal(field('RegisterResponse', 'token').pattern, token(DEVICE_TOKEN_BITS));
    assert.equal(field('HandoffCreated', 'token').pattern, token(HANDOFF_TOKEN_BITS));
    assert.equal(field('ChatMessage', 'text').maxLength, MAX_CHAT_TEXT_LENGTH);
    assert.equal(field('AgentMessageRequest', 'text').maxLength, MAX_CHAT_TEXT_LENGTH);
    assert.deepEqual(field('RejectedRecord', 'code').enum, [...REJECTED_RECORD_CODES]);

    // Where JSON Schema has no keyword for a limit, the description states it.
    const states = (text: unknown, phrases: string[], where: string) => {
      for (const phrase of phrases) assert.ok(String(text).includes(phrase), `${where} must say "${phrase}"`);
    };
    const days = `${TOMBSTONE_TTL_MS / 86_400_000} days`;
    const hours = MAX_CLOCK_AHEAD_MS / 3_600_000;
    const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
    states(schemas.Record.description, [`${MAX_VALUE_BYTES / 1024} KB`], 'Record');
    states(
      field('Event', 'messageId').description,
      [`at most ${MAX_MESSAGE_ID_LENGTH} characters`],
      'messageId',
    );
    states(
      field('RejectedEvent', 'code').description,
      [...REJECTED_EVENT_CODES.map((code) => `\`${code}\``), `${MAX_JSON_DEPTH} deep`],
      'RejectedEvent.code',
    );
    states(
      field('RejectedRecord', 'code').description,
      [days, `${hours} hours`, `${MAX_JSON_DEPTH} deep`],
      'RejectedRecord.code',
    );
    states(
      paths['/v1/sync'].post.description,
      [`up to ${SYNC_PAGE_SIZE} per page`, days, `${hours} h`],
      'sync',
    );
    states(
      paths['/v1/batch'].post.description,
      [`${MAX_EVENT_CHARS / 1024} KB per event`, bytes(MAX_EVENT_REQUEST_BYTES)],
      'batch',
    );
    const tooLarge = (spec.components as { responses: Record<string, Json> }).responses.PayloadTooLarge;
    states(
      tooLarge.description,
      [bytes(MAX_EVENT_REQUEST_BYTES), bytes(MAX_SYNC_BODY_BYTES), bytes(MAX_REQUEST_BYTES)],
      'PayloadTooLarge',
    );
  });

  it('describes each answer with exactly the fields of the protocol module (src/protocol/shapes.ts)', () => {
    const schemas = (spec.components as { schemas: Record<string, Json> }).schemas;
    for (const [name, [schemaName, ...path]] of Object.entries(OPENAPI_SCHEMAS)) {
      let schema = deref<Json>(schemas[schemaName]);
      for (const property of path)
        schema = deref<Json>((schema.properties as Record<string, Json>)[property]);
      const shape = name as ShapeName;
      assert.deepEqual(
        Object.keys(schema.properties as Json).sort(),
        Object.keys(SHAPES[shape]).sort(),
        name,
      );
      assert.deepEqual([...((schema.required as string[]) ?? [])].sort(), requiredFields(shape).sort(), name);
      assert.equal(schema.additionalProperties, false, `${name} must allow no other field`);
    }
    for (const [answer, shape] of Object.entries(ANSWER_SHAPES)) {
      const [method, path, status] = answer.split(' ');
      const responses = paths[path][method.toLowerCase()].responses as Record<string, unknown>;
      const documented = deref<{ content: Record<string, { schema: Json }> }>(responses[status]);
      assert.equal(
        documented.content['application/json'].schema.$ref,
        `#/components/schemas/${OPENAPI_SCHEMAS[shape][0]}`,
        answer,
      );
    }
  });

  it('GET /health', async () => {
    await exchange('GET', '/health', 200);
  });

  it('GET /ready', async () => {
    await exchange('GET', '/ready', 200);
  });

  it('GET /metrics', async () => {
    // The file's server has no metrics: off.
    await exchange('GET', '/metrics', 404, { token: METRICS_TOKEN });
    const scraped = await startServer({ metrics: { token: METRICS_TOKEN } });
    try {
      await exchange('GET', '/metrics', 401, { base: scraped.url, token: 'not-the-metrics-token' });
      await exchange('GET', '/metrics', 200, { base: scraped.url, token: METRICS_TOKEN });
    } finally {
      await scraped.close();
    }
  });

  it('POST /v1/batch', async () => {
    const auth = { Authorization: basicAuth('shop-key') };
    await exchange('POST', '/v1/batch', 200, {
      body: { batch: [trackEvent(), { type: 'nope' }] },
      headers: auth,
    });
    await exchange('POST', '/v1/batch', 400, { body: { batch: 'x' }, valid: false, headers: auth });
    await exchange('POST', '/v1/batch', 401, { body: { batch: [], writeKey: 'wrong' } });
    await exchange('POST', '/v1/batch', 403, { body: { batch: [] }, headers: { ...auth, ...cut.headers } });
    await exchange('POST', '/v1/batch', 413, { raw: 'x'.repeat(2 * 1024 * 1024), headers: auth });
    await exchange('POST', '/v1/batch', 415, {
      raw: '{"batch": []}',
      headers: { ...auth, 'Content-Encoding': 'br' },
    });
    // A site's own server: the secret server key instead of the write key (§7).
    await exchange('POST', '/v1/batch', 200, { body: { batch: [trackEvent()] }, token: SHOP_SERVER_KEY });
    await exchange('POST', '/v1/batch', 401, { body: { batch: [] }, token: 'not-a-server-key' });
    const flood = { ...auth, 'X-Forwarded-For': '198.51.100.1' };
    const post = () => fetch(`${h.url}/v1/batch`, { method: 'POST', headers: flood, body: '{"batch":[]}' });
    for (let i = 0; i < 30 && (await post()).status !== 429; i++);
    await exchange('POST', '/v1/batch', 429, { body: { batch: [trackEvent()] }, headers: flood });
  });

  it('POST /v1/m', async () => {
    const series = [{ type: 'Counter', metric: 'analytics_js.invoke.track', value: 1, tags: {} }];
    await exchange('POST', '/v1/m', 204, { body: { series } });
    await exchange('POST', '/v1/m', 413, { raw: 'x'.repeat(100 * 1024) });
  });

  it('POST /v1/devices', async () => {
    await register('anon-1');
    await exchange('POST', '/v1/devices', 400, { body: { writeKey: 'shop-key' }, valid: false });
    await exchange('POST', '/v1/devices', 401, { body: { anonymousId: 'x' } });
    await exchange('POST', '/v1/devices', 403, { body: { writeKey: 'shop-key', anonymousId: 'x' }, ...cut });
    await exchange('POST', '/v1/devices', 413, { raw: 'x'.repeat(600 * 1024) });
    h.server.resetRateLimits();
    let status = 0;
    for (let i = 0; i < 41 && status !== 429; i++) {
      status = (
        await fetch(`${h.url}/v1/devices?writeKey=shop-key`, { method: 'POST', body: '{"anonymousId":"a"}' })
      ).status;
    }
    await exchange('POST', '/v1/devices', 429, { body: { writeKey: 'shop-key', anonymousId: 'x' } });
    h.server.resetRateLimits();
  });

  it('POST /v1/identify and DELETE /v1/devices/current', async () => {
    const device = await register('anon-2');
    const token = device.token;
    const identified = await exchange('POST', '/v1/identify', 200, {
      token,
      body: { userId: 'frank', userHash: userHash('frank') },
    });
    assert.equal(identified.wasAnonymous, true);
    await exchange('POST', '/v1/identify', 400, { token, body: { userHash: userHash('x') }, valid: false });
    await exchange('POST', '/v1/identify', 401, {
      token: 'nope',
      body: { userId: 'a', userHash: userHash('a') },
    });
    await exchange('POST', '/v1/identify', 403, {
      token,
      body: { userId: 'gina', userHash: userHash('frank') },
    });
    await exchange('POST', '/v1/identify', 413, { token, raw: 'x'.repeat(600 * 1024) });

    await exchange('DELETE', '/v1/devices/current', 403, { token, ...cut });
    await exchange('DELETE', '/v1/devices/current', 204, { token });
    await exchange('DELETE', '/v1/devices/current', 401, { token });
  });

  it('POST /v1/sync and GET /v1/stream', async () => {
    const device = await register('anon-3');
    const token = device.token;
    const stream = await fetch(`${h.url}/v1/stream`, { headers: { Authorization: `Bearer ${token}` } });
    const push = [
      { doc: 'cart', key: 'sku-1', value: { qty: 1 }, hlc: hlc(1_700_000_000_000) },
      { doc: 'cart', key: 'sku-2', value: null, hlc: hlc(1_700_000_000_000), deleted: true },
    ];
    const synced = await exchange('POST', '/v1/sync', 200, { token, body: { push, cursor: '' } });
    assert.equal((synced.records as unknown[]).length, 2);
    await exchange('POST', '/v1/sync', 200, { token, body: {} });
    // A bad record is skipped and listed; only a body of the wrong shape is refused whole.
    const skipped = await exchange('POST', '/v1/sync', 200, {
      token,
      body: { push: [{ doc: 'cart' }, { ...push[0], hlc: hlc(1) }] },
      valid: false,
    });
    assert.deepEqual(
      (skipped.rejected as { code: string }[]).map((r) => r.code),
      ['invalid_record', 'stale_record'],
    );
    await exchange('POST', '/v1/sync', 400, { token, body: { push: 'x' }, valid: false });
    await exchange('POST', '/v1/sync', 400, { token, body: { cursor: 'abc' }, valid: false });
    // A cursor from before a compaction: the answer starts over and says so.
    h.clock.now += 31 * 24 * 60 * 60 * 1000;
    await h.store.compactTombstones(h.clock.now - 30 * 24 * 60 * 60 * 1000);
    const beforeTombstone = String(Number(synced.cursor) - 1); // sku-1's, the tombstone came next
    const reset = await exchange('POST', '/v1/sync', 200, { token, body: { cursor: beforeTombstone } });
    assert.equal(reset.reset, true);
    h.clock.now -= 31 * 24 * 60 * 60 * 1000;
    await exchange('POST', '/v1/sync', 401, { body: { push: [] } });
    await exchange('POST', '/v1/sync', 403, { token, body: { push: [] }, ...cut });
    await exchange('POST', '/v1/sync', 413, { token, raw: 'x'.repeat(10 * 1024 * 1024) });
    const busy = await register('anon-busy');
    const again = () =>
      fetch(`${h.url}/v1/sync`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${busy.token}` },
        body: '{}',
      });
    for (let i = 0; i < 20 && (await again()).status !== 429; i++);
    await exchange('POST', '/v1/sync', 429, { token: busy.token, body: { push: [push[0]] } });

    // The stream: documented content type, and the data of `changed` matches StreamChanged.
    const operation = paths['/v1/stream'].get;
    const documented = (operation.responses as Json)['200'] as { content: Json };
    const type = (stream.headers.get('content-type') ?? '').split(';')[0];
    assert.ok(documented.content[type], `undocumented stream content type ${type}`);
    seen.add('GET /v1/stream 200');
    const reader = stream.body!.getReader();
    let text = '';
    while (!/event: changed\ndata: (.*)\n\n/.test(text)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'stream ended before a changed event');
      text += new TextDecoder().decode(value);
    }
    const data = JSON.parse(/event: changed\ndata: (.*)\n\n/.exec(text)![1]);
    assert.deepEqual(validate(data, { $ref: '#/components/schemas/StreamChanged' }, spec), []);
    checkStreamData('changed', data);
    await reader.cancel();
    await exchange('GET', '/v1/stream', 401, { token: 'nope' });
    await exchange('GET', '/v1/stream', 403, { token, ...cut });
    const other = await fetch(`${h.url}/v1/stream`, { headers: { Authorization: `Bearer ${busy.token}` } });
    await exchange('GET', '/v1/stream', 429, { token: busy.token });
    await other.body?.cancel();
  });

  it('POST /v1/handoff, /peek and /claim', async () => {
    const phone = await register('phone');
    const laptop = await register('laptop');
    const created = await exchange('POST', '/v1/handoff', 201, { token: phone.token });
    const body = { token: created.token };
    await exchange('POST', '/v1/handoff/peek', 200, { token: laptop.token, body });
    await exchange('POST', '/v1/handoff/claim', 200, { token: laptop.token, body });
    for (const path of ['/v1/handoff/peek', '/v1/handoff/claim']) {
      await exchange('POST', path, 410, { token: laptop.token, body });
      await exchange('POST', path, 404, { token: laptop.token, body: { token: 'guessed-token-value' } });
      await exchange('POST', path, 400, { token: laptop.token, body: {}, valid: false });
      await exchange('POST', path, 401, { body });
      await exchange('POST', path, 403, { token: laptop.token, body, ...cut });
    }
    await exchange('POST', '/v1/handoff', 401, {});
    const member = await register('member');
    await exchange('POST', '/v1/identify', 200, {
      token: member.token,
      body: { userId: 'hana', userHash: userHash('hana') },
    });
    await exchange('POST', '/v1/handoff', 403, { token: member.token });
    const maker = await register('maker');
    for (const path of ['/v1/handoff/peek', '/v1/handoff/claim']) {
      const fresh = await exchange('POST', '/v1/handoff', 201, { token: maker.token });
      await exchange('POST', path, 403, { token: member.token, body: { token: fresh.token } }); // signed in
    }
    await exchange('POST', '/v1/handoff', 201, { token: phone.token });
    await exchange('POST', '/v1/handoff', 201, { token: phone.token });
    await exchange('POST', '/v1/handoff', 429, { token: phone.token });

    const guesser = await register('guesser');
    for (let i = 0; i < 20; i++) {
      await fetch(`${h.url}/v1/handoff/peek`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${guesser.token}` },
        body: JSON.stringify({ token: `guess-${i}` }),
      });
    }
    await exchange('POST', '/v1/handoff/peek', 429, { token: guesser.token, body: { token: 'g' } });
    await exchange('POST', '/v1/handoff/claim', 429, { token: guesser.token, body: { token: 'g' } });
  });

  it('POST /v1/chat/typing and the agent API, with both streams', async () => {
    const phone = await register('chat-phone');
    const token = phone.token;
    const key = { headers: { Authorization: `Bearer ${SHOP_AGENT_KEY}` } };
    const params = { profileId: phone.profileId };
    const missing = { params: { profileId: 'nobody' }, ...key };
    const agentStream = await fetch(`${h.url}/v1/agent/stream`, key);
    const deviceStream = await fetch(`${h.url}/v1/stream`, { headers: { Authorization: `Bearer ${token}` } });

    await exchange('POST', '/v1/chat/typing', 204, { token, body: { typing: true } });
    await exchange('POST', '/v1/chat/typing', 400, { token, body: { typing: 'yes' }, valid: false });
    await exchange('POST', '/v1/chat/typing', 401, { body: { typing: true } });
    await exchange('POST', '/v1/chat/typing', 403, { token, body: { typing: true }, ...cut });

    const message = {
      doc: 'chat',
      key: 'm:c1',
      value: { text: 'Hi', from: 'customer', at: 1_700_000_000_000 },
      hlc: hlc(1_700_000_000_000),
    };
    await exchange('POST', '/v1/sync', 200, { token, body: { push: [message] } });
    const list = await exchange('GET', '/v1/agent/conversations', 200, { query: '?limit=10', ...key });
    assert.equal((list.conversations as unknown[]).length, 1);
    await exchange('GET', '/v1/agent/conversations', 400, { query: '?limit=0', ...key });
    await exchange('GET', '/v1/agent/conversations', 401, { headers: { Authorization: `Bearer ${token}` } });

    const messages = '/v1/agent/conversations/{profileId}/messages';
    await exchange('POST', messages, 201, { params, body: { text: '<b>Hello</b>', name: 'Mia' }, ...key });
    await exchange('POST', messages, 400, { params, body: { text: '' }, valid: false, ...key });
    await exchange('POST', messages, 401, { params, body: { text: 'hi' } });
    await exchange('POST', messages, 404, { body: { text: 'hi' }, ...missing });
    const read = '/v1/agent/conversations/{profileId}/read';
    await exchange('POST', read, 204, { params, ...key });
    await exchange('POST', read, 401, { params });
    await exchange('POST', read, 404, missing);
    const typing = '/v1/agent/conversations/{profileId}/typing';
    await exchange('POST', typing, 204, { params, body: { typing: true, name: 'Mia' }, ...key });
    await exchange('POST', typing, 400, { params, body: { name: 'Mia' }, valid: false, ...key });
    await exchange('POST', typing, 401, { params, body: { typing: true } });
    await exchange('POST', typing, 404, { body: { typing: true }, ...missing });
    for (const Authorization of [basicAuth('shop-key'), `Bearer ${SHOP_SERVER_KEY}`]) {
      const batch = [
        trackEvent({ anonymousId: 'chat-phone' }),
        { ...trackEvent(), type: 'identify', anonymousId: 'chat-phone', traits: { name: 'Hana' } },
      ];
      await exchange('POST', '/v1/batch', 200, { headers: { Authorization }, body: { batch } });
    }
    const view = await exchange('GET', '/v1/agent/profiles/{profileId}', 200, { params, ...key });
    assert.equal((view.messages as unknown[]).length, 2);
    assert.deepEqual((view.events as { verified: boolean }[]).map((e) => e.verified).sort(), [
      false,
      false,
      true,
      true,
    ]);
    await exchange('GET', '/v1/agent/profiles/{profileId}', 401, { params });
    await exchange('GET', '/v1/agent/profiles/{profileId}', 404, missing);
    await exchange('GET', '/v1/agent/stream', 401, { headers: { Authorization: 'Bearer shop-key' } });
    // Wrong keys from one address lock it out, the right key included.
    const locked = { 'X-Forwarded-For': '198.51.100.2' };
    for (let i = 0; i < 5; i++) {
      await fetch(`${h.url}/v1/agent/conversations`, {
        headers: { ...locked, Authorization: `Bearer wrong-agent-key-${i}-0123456789` },
      });
    }
    const lockedKey = { headers: { ...key.headers, ...locked } };
    await exchange('GET', '/v1/agent/conversations', 429, lockedKey);
    await exchange('POST', messages, 429, { params, body: { text: 'hi' }, ...lockedKey });
    await exchange('POST', read, 429, { params, ...lockedKey });
    await exchange('POST', typing, 429, { params, body: { typing: true }, ...lockedKey });
    await exchange('GET', '/v1/agent/profiles/{profileId}', 429, { params, ...lockedKey });
    await exchange('GET', '/v1/agent/stream', 429, lockedKey);

    // The streams: documented content type, and each event's data matches its schema.
    const events = async (res: Response, wanted: Record<string, string>, device = false) => {
      const type = (res.headers.get('content-type') ?? '').split(';')[0];
      assert.equal(type, 'text/event-stream');
      const reader = res.body!.getReader();
      const left = new Set(Object.keys(wanted));
      let text = '';
      while (left.size > 0) {
        const { value, done } = await reader.read();
        assert.ok(!done, `stream ended before ${[...left]}`);
        text += new TextDecoder().decode(value);
        for (const [, event, data] of text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)) {
          if (!(event in wanted)) continue;
          assert.deepEqual(
            validate(JSON.parse(data), { $ref: `#/components/schemas/${wanted[event]}` }, spec),
            [],
          );
          if (device) checkStreamData(event, JSON.parse(data));
          left.delete(event);
        }
      }
      await reader.cancel();
    };
    seen.add('GET /v1/agent/stream 200');
    await events(agentStream, { typing: 'AgentStreamTyping', message: 'AgentStreamMessage' });
    await events(deviceStream, { typing: 'DeviceTyping', changed: 'StreamChanged' }, true);
  });

  it('my cart in store: POST /v1/store-codes, /v1/store/lookup and /v1/store/sales', async () => {
    const shopper = await register('anon-in-store');
    const staff = { headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` } };
    const { code } = await exchange('POST', '/v1/store-codes', 201, { token: shopper.token });
    await exchange('POST', '/v1/store-codes', 401);
    const view = await exchange('POST', '/v1/store/lookup', 200, { ...staff, body: { code } });
    assert.deepEqual(view.cart, []);
    await exchange('POST', '/v1/store/lookup', 400, { ...staff, body: { code: 'not-a-code' } });
    await exchange('POST', '/v1/store/lookup', 401, { body: { code } });
    // People at the till: an associate's console session reads it; an agent's is refused.
    const signIn = async (who: typeof AGENT) => {
      const res = await fetch(`${h.url}/console/api/login`, { method: 'POST', body: JSON.stringify(who) });
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const cookie = /omnikit_console=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
      return { headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken } };
    };
    await exchange('POST', '/v1/store/lookup', 200, { ...(await signIn(ASSOCIATE)), body: { code } });
    const agent = await signIn(AGENT);
    await exchange('POST', '/v1/store/lookup', 403, { ...agent, body: { code } });
    await exchange('POST', '/v1/store/sales', 403, { ...agent, body: { code, orderId: 'till-1' } });
    await exchange('POST', '/v1/store/lookup', 404, {
      ...staff,
      body: { code: code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ' },
    });
    const sale = { code, orderId: 'till-1' };
    await exchange('POST', '/v1/store/sales', 409, { ...staff, body: sale });
    await exchange('POST', '/v1/sync', 200, {
      token: shopper.token,
      body: {
        push: [
          {
            doc: 'cart',
            key: 'tee',
            value: { productId: 'tee', name: 'Tee', price: 10, qty: 2 },
            hlc: hlc(h.clock.now),
          },
        ],
        cursor: '',
      },
    });
    await exchange('POST', '/v1/store/sales', 400, { ...staff, body: { code, orderId: '' }, valid: false });
    await exchange('POST', '/v1/store/sales', 401, { body: sale });
    await exchange('POST', '/v1/store/sales', 404, {
      ...staff,
      body: { ...sale, code: 'ZZZZZZ' === code ? 'YYYYYY' : 'ZZZZZZ' },
    });
    const sold = await exchange('POST', '/v1/store/sales', 201, { ...staff, body: sale });
    assert.equal((sold.order as Json).total, 20);
    await exchange('POST', '/v1/store/sales', 410, { ...staff, body: sale });
    await exchange('POST', '/v1/store/lookup', 410, { ...staff, body: { code } });
    // Codes per device share the handoffs' budget (3 here); tries per address their own (10 here).
    for (let i = 0; i < 2; i++) await exchange('POST', '/v1/store-codes', 201, { token: shopper.token });
    await exchange('POST', '/v1/store-codes', 429, { token: shopper.token });
    const guesser = { headers: { ...staff.headers, 'X-Forwarded-For': '203.0.113.50' } };
    for (let i = 0; i < 10; i++)
      await exchange('POST', '/v1/store/lookup', 404, {
        ...guesser,
        body: { code: 'ZZZZZZ' === code ? 'YYYYYY' : 'ZZZZZZ' },
      });
    await exchange('POST', '/v1/store/lookup', 429, { ...guesser, body: { code } });
  });

  it('GET /v1/events', async () => {
    const auth = { Authorization: basicAuth('shop-key') };
    await exchange('POST', '/v1/batch', 200, {
      body: { batch: [trackEvent({ userId: 'reader-1' }), trackEvent({ userId: 'reader-1' })] },
      headers: auth,
    });
    const page = await exchange('GET', '/v1/events', 200, {
      token: SHOP_SERVER_KEY,
      query: '?userId=reader-1&limit=1',
    });
    assert.equal((page.events as Json[]).length, 1);
    await exchange('GET', '/v1/events', 200, {
      token: SHOP_SERVER_KEY,
      query: `?userId=reader-1&limit=1&after=${page.next}&from=2020-01-01T00:00:00Z`,
    });
    await exchange('GET', '/v1/events', 400, { token: SHOP_SERVER_KEY, query: '?limit=0' });
    await exchange('GET', '/v1/events', 401);
  });

  it('DELETE /v1/profiles/{userId}, its export and consent, and DELETE /v1/devices/current/data', async () => {
    const phone = await register('anon-erased');
    await exchange('POST', '/v1/identify', 200, {
      token: phone.token,
      body: { userId: 'erin', userHash: userHash('erin') },
    });
    await exchange('POST', '/v1/sync', 200, {
      token: phone.token,
      body: {
        push: [
          {
            doc: 'cart',
            key: 'tee',
            value: { productId: 'tee', name: 'Tee', price: 10, qty: 1 },
            hlc: hlc(h.clock.now),
          },
        ],
        cursor: '',
      },
    });
    const params = { userId: 'erin' };
    const server = { token: SHOP_SERVER_KEY, params };
    const page = await exchange('GET', '/v1/profiles/{userId}/export', 200, { ...server, query: '?limit=1' });
    assert.equal(
      (page.profiles as Json[]).length,
      2,
      'the account and the guest profile the phone started on',
    );
    await exchange('GET', '/v1/profiles/{userId}/export', 400, { ...server, query: '?limit=0' });
    await exchange('GET', '/v1/profiles/{userId}/export', 401, { params });
    await exchange('POST', '/v1/sync', 200, {
      token: phone.token,
      body: {
        push: [
          {
            doc: 'consent',
            key: 'analytics',
            value: { granted: true, channel: 'web', policy: 'v1' },
            hlc: hlc(h.clock.now),
          },
        ],
        cursor: '',
      },
    });
    const consent = await exchange('GET', '/v1/profiles/{userId}/consent', 200, server);
    assert.equal((consent.receipts as Json[]).length, 1);
    await exchange('GET', '/v1/profiles/{userId}/consent', 400, { ...server, query: '?after=x' });
    await exchange('GET', '/v1/profiles/{userId}/consent', 401, { params });
    // What the shop's systems own: an order and a balance for erin, refused without the key or a field.
    const order = {
      id: 'o-1',
      status: 'paid',
      items: [{ name: 'Tee', quantity: 1, price: 19.9 }],
      total: 19.9,
    };
    await exchange('POST', '/v1/profiles/{userId}/orders', 200, { ...server, body: order });
    await exchange('POST', '/v1/profiles/{userId}/orders', 400, {
      ...server,
      body: { ...order, status: 'lost' },
      valid: false,
    });
    await exchange('POST', '/v1/profiles/{userId}/orders', 401, { params, body: order });
    await exchange('POST', '/v1/profiles/{userId}/orders', 413, {
      ...server,
      body: { ...order, channel: 'x'.repeat(20_000) },
      valid: false,
    });
    await exchange('POST', '/v1/profiles/{userId}/loyalty', 200, {
      ...server,
      body: { points: 40, tier: 'silver' },
    });
    await exchange('POST', '/v1/profiles/{userId}/loyalty', 400, {
      ...server,
      body: { points: -1 },
      valid: false,
    });
    await exchange('POST', '/v1/profiles/{userId}/loyalty', 401, { params, body: { points: 1 } });
    await exchange('POST', '/v1/profiles/{userId}/loyalty', 413, {
      ...server,
      body: { points: 1, tier: 'x'.repeat(20_000) },
      valid: false,
    });
    // A resume link to erin's cart, opened by another device: the lines; a changed, an old one refused.
    const { link } = await exchange('POST', '/v1/profiles/{userId}/resume-links', 201, {
      ...server,
      body: { ttlHours: 1 },
    });
    await exchange('POST', '/v1/profiles/{userId}/resume-links', 400, {
      ...server,
      body: { url: 'https://elsewhere.example/' },
    });
    await exchange('POST', '/v1/profiles/{userId}/resume-links', 401, { params, body: {} });
    const resumeToken = new URL(link as string).hash.slice('#omnikit-resume='.length);
    const reader = await register('anon-email-reader');
    const offer = await exchange('POST', '/v1/resume', 200, {
      token: reader.token,
      body: { token: resumeToken },
    });
    assert.deepEqual(
      (offer.lines as Json[]).map((l) => [l.productId, l.qty]),
      [['tee', 1]],
    );
    await exchange('POST', '/v1/resume', 400, { token: reader.token, body: { token: `${resumeToken}x` } });
    await exchange('POST', '/v1/resume', 401, { body: { token: resumeToken } });
    h.clock.now += 3_600_000;
    await exchange('POST', '/v1/resume', 410, { token: reader.token, body: { token: resumeToken } });
    await exchange('DELETE', '/v1/profiles/{userId}', 400, {
      token: SHOP_SERVER_KEY,
      params: { userId: 'a\u0000b' },
    });
    await exchange('DELETE', '/v1/profiles/{userId}', 401, { params });
    const receipt = await exchange('DELETE', '/v1/profiles/{userId}', 200, {
      ...server,
      query: '?suppress=true',
    });
    assert.equal((receipt.removed as Json).devices, 1);
    // Erased with suppression: nothing more is kept for erin.
    await exchange('POST', '/v1/profiles/{userId}/orders', 410, { ...server, body: order });
    await exchange('POST', '/v1/profiles/{userId}/loyalty', 410, { ...server, body: { points: 1 } });
    await exchange('POST', '/v1/profiles/{userId}/resume-links', 410, { ...server, body: {} });
    await exchange('DELETE', '/v1/devices/current/data', 401, { token: phone.token });

    const visitor = await register('anon-forgetful');
    await exchange('DELETE', '/v1/devices/current/data', 403, { token: visitor.token, ...cut });
    await exchange('DELETE', '/v1/devices/current/data', 200, { token: visitor.token });
  });

  it('GET /v1/plan/report', async () => {
    await exchange('GET', '/v1/plan/report', 200, { token: SHOP_SERVER_KEY, query: '?examples=1' });
    await exchange('GET', '/v1/plan/report', 401);
  });

  it('GET /v1/webhooks/deliveries and POST /v1/webhooks/deliveries/{id}/retry', async () => {
    // A delivery to a webhook the config does not name: the worker marks it failed, and it is listed.
    const at = h.clock.now;
    await h.store.insertEvents('shop', [trackEvent()], {
      webhooks: { webhooks: [['crm']], at, retryUntil: at + 60_000 },
    });
    const failed = async () => {
      const page = await exchange('GET', '/v1/webhooks/deliveries', 200, { token: SHOP_SERVER_KEY });
      return (page.deliveries as { id: string; status: string }[]).filter((d) => d.status === 'failed');
    };
    const deadline = Date.now() + 5000;
    while ((await failed()).length === 0) {
      assert.ok(Date.now() < deadline, 'the delivery failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [delivery] = await failed();
    await exchange('GET', '/v1/webhooks/deliveries', 200, {
      token: SHOP_SERVER_KEY,
      query: '?status=failed&limit=1',
    });
    await exchange('GET', '/v1/webhooks/deliveries', 400, { token: SHOP_SERVER_KEY, query: '?status=sent' });
    await exchange('GET', '/v1/webhooks/deliveries', 401);
    const retry = '/v1/webhooks/deliveries/{id}/retry';
    await exchange('POST', retry, 202, { token: SHOP_SERVER_KEY, params: { id: delivery.id } });
    await exchange('POST', retry, 404, { token: SHOP_SERVER_KEY, params: { id: '999999999' } });
    await exchange('POST', retry, 401, { params: { id: delivery.id } });
  });

  it('the console sign-in, and a console session on the agent API', async () => {
    const cookieOf = (res: Response) =>
      /omnikit_console=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
    const signIn = async (who: typeof AGENT) => {
      const res = await fetch(`${h.url}/console/api/login`, { method: 'POST', body: JSON.stringify(who) });
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return { Cookie: cookieOf(res), 'X-CSRF-Token': csrfToken };
    };
    const login = '/console/api/login';
    const signedIn = await exchange('POST', login, 200, { body: AGENT });
    assert.equal(signedIn.role, 'agent');
    await exchange('POST', login, 400, { body: { name: 1, password: 'x' }, valid: false });
    await exchange('POST', login, 401, { body: { name: AGENT.name, password: 'wrong' } });
    await exchange('POST', login, 403, { body: AGENT, headers: { Origin: SHOP_ORIGIN } });
    for (let i = 0; i < 3; i++)
      await exchange('POST', login, 401, { body: { name: 'nobody', password: 'x' } });
    await exchange('POST', login, 429, { body: { name: 'nobody', password: 'x' } });

    const agent = await signIn(AGENT);
    const session = '/console/api/session';
    await exchange('GET', session, 200, { headers: { Cookie: agent.Cookie } });
    await exchange('GET', session, 401);
    await exchange('GET', session, 403, { headers: { Cookie: agent.Cookie, Origin: SHOP_ORIGIN } });
    const logout = '/console/api/logout';
    await exchange('POST', logout, 403, { headers: { Cookie: agent.Cookie } });
    await exchange('POST', logout, 204, { headers: agent });
    await exchange('POST', logout, 401, { headers: agent });

    // An associate's session is refused by every agent operation.
    const associate = { headers: await signIn(ASSOCIATE), params: { profileId: 'p-1' } };
    await exchange('GET', '/v1/agent/conversations', 403, associate);
    await exchange('GET', '/v1/agent/profiles/{profileId}', 403, associate);
    await exchange('GET', '/v1/agent/stream', 403, associate);
    for (const action of ['messages', 'read', 'typing']) {
      const body =
        action === 'messages' ? { text: 'hi' } : action === 'typing' ? { typing: true } : undefined;
      await exchange('POST', `/v1/agent/conversations/{profileId}/${action}`, 403, { ...associate, body });
    }
  });

  it('every operation documents its 5xx answer (checked with injected failures)', async () => {
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!('default' in (operation.responses as Json))) continue;
        // A path parameter is its own name: the fault fires before the handler looks at it.
        h.server.faults.fail(1, 500, {}, { path: path.replace(/[{}]/g, '') });
        await exchange(method.toUpperCase(), path, 500);
      }
    }
  });

  it('every route that needs the database answers 503 + Retry-After while PostgreSQL is away', async () => {
    const cluster = await startPostgres();
    setHarnessDatabase(() => cluster.database());
    const away = await startServer({ sites: await sitesWithStaff() });
    setHarnessDatabase(sqliteDatabase);
    try {
      await cluster.halt();
      const base = away.url;
      const token = 'a-device-token-the-database-would-be-asked-about';
      const agent = { headers: { Authorization: `Bearer ${SHOP_AGENT_KEY}` }, params: { profileId: 'p-1' } };
      // A request each route would serve; the database is asked first, and is not there.
      const requests: Record<string, Exchange> = {
        'GET /ready': {},
        'POST /v1/batch': {
          body: { batch: [trackEvent()] },
          headers: { Authorization: basicAuth('shop-key') },
        },
        'POST /v1/devices': { body: { writeKey: 'shop-key', anonymousId: 'anon-away' } },
        'DELETE /v1/devices/current': { token },
        'POST /v1/identify': { token, body: { userId: 'ida', userHash: userHash('ida') } },
        'POST /v1/sync': { token, body: { push: [], cursor: '' } },
        'GET /v1/stream': { token },
        'POST /v1/handoff': { token },
        'POST /v1/handoff/peek': { token, body: { token: 'a-handoff-token' } },
        'POST /v1/handoff/claim': { token, body: { token: 'a-handoff-token' } },
        'POST /v1/resume': { token, body: { token: 'a.resume-token' } },
        'POST /v1/profiles/{userId}/resume-links': {
          token: SHOP_SERVER_KEY,
          params: { userId: 'ida' },
          body: {},
        },
        'POST /v1/chat/typing': { token, body: { typing: true } },
        'POST /v1/store-codes': { token },
        'POST /v1/store/lookup': { token: SHOP_SERVER_KEY, body: { code: '7KQ4MZ' } },
        'POST /v1/store/sales': { token: SHOP_SERVER_KEY, body: { code: '7KQ4MZ', orderId: 'till-1' } },
        'GET /v1/agent/conversations': agent,
        'GET /v1/agent/profiles/{profileId}': agent,
        'POST /v1/agent/conversations/{profileId}/messages': { ...agent, body: { text: 'Hello' } },
        'POST /v1/agent/conversations/{profileId}/read': agent,
        'POST /v1/agent/conversations/{profileId}/typing': { ...agent, body: { typing: true } },
        'GET /v1/plan/report': { token: SHOP_SERVER_KEY },
        'GET /v1/events': { token: SHOP_SERVER_KEY },
        'GET /v1/webhooks/deliveries': { token: SHOP_SERVER_KEY },
        'POST /v1/webhooks/deliveries/{id}/retry': { token: SHOP_SERVER_KEY, params: { id: '1' } },
        'DELETE /v1/profiles/{userId}': { token: SHOP_SERVER_KEY, params: { userId: 'ida' } },
        'GET /v1/profiles/{userId}/export': { token: SHOP_SERVER_KEY, params: { userId: 'ida' } },
        'GET /v1/profiles/{userId}/consent': { token: SHOP_SERVER_KEY, params: { userId: 'ida' } },
        'POST /v1/profiles/{userId}/orders': {
          token: SHOP_SERVER_KEY,
          params: { userId: 'ida' },
          body: { id: 'o-1', status: 'placed' },
        },
        'POST /v1/profiles/{userId}/loyalty': {
          token: SHOP_SERVER_KEY,
          params: { userId: 'ida' },
          body: { points: 1 },
        },
        'DELETE /v1/devices/current/data': { token },
        'POST /console/api/login': { body: AGENT },
        'GET /console/api/session': { headers: { Cookie: `omnikit_console=${'A'.repeat(43)}` } },
        'POST /console/api/logout': { headers: { Cookie: `omnikit_console=${'A'.repeat(43)}` } },
      };
      for (const [path, operations] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!('503' in (operation.responses as Json))) continue;
          const request = requests[`${method.toUpperCase()} ${path}`];
          assert.ok(request, `no request to send to ${method.toUpperCase()} ${path}`);
          const started = Date.now();
          await exchange(method.toUpperCase(), path, 503, { ...request, base });
          assert.ok(Date.now() - started < 6000, 'bounded by the connect timeout');
        }
      }
      await cluster.resume();
    } finally {
      await away.close();
      await cluster.stop();
    }
  });

  it("met every answer shape of the protocol module in the real server's answers", () => {
    assert.deepEqual(
      Object.keys(SHAPES).filter((name) => !shapesSeen.has(name as ShapeName)),
      [],
    );
  });

  it('every documented (operation, status) was exercised against the real server', () => {
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.keys(operation.responses as Json).map((status) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    assert.deepEqual(
      documented.filter((entry) => !seen.has(entry)),
      [],
    );
  });
});
