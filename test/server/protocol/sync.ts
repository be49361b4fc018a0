import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type ErrorBody, type Harness, SHOP_ORIGIN, startServer } from '../helpers.ts';
import { api, hlc, line, register, type SyncBody, sync, type TestDevice, type WireRecord } from './client.ts';

describe('document sync (§3)', () => {
  let h: Harness;
  let device: TestDevice;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.faults.clear();
    h.server.resetStats();
    await h.store.reset();
    device = await register(h.url, 'phone');
  });

  const T = 1_700_000_000_000;
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;
  const pushRaw = (push: unknown, cursor: unknown = '') =>
    api(h.url, 'POST', '/v1/sync', { token: device.token, body: { push, cursor } });

  describe('POST /v1/sync: merge', () => {
    it('stores a push and returns every record of the profile from ""', async () => {
      const first = await sync(h.url, device, [line('a', 1, T), line('b', 2, T)]);
      assert.equal(first.profileId, device.profileId);
      assert.equal(first.more, false);
      assert.deepEqual(first.records, [
        { doc: 'cart', key: 'a', value: { qty: 1 }, hlc: hlc(T), deleted: false },
        { doc: 'cart', key: 'b', value: { qty: 2 }, hlc: hlc(T), deleted: false },
      ]);
      const empty = await sync(h.url, device, [], first.cursor);
      assert.deepEqual(empty.records, [], 'nothing changed after the cursor');
      assert.equal(empty.cursor, first.cursor);
    });

    it('keeps the larger hlc per (doc, key), whatever the arrival order', async () => {
      await sync(h.url, device, [line('a', 5, T + 10)]);
      await sync(h.url, device, [line('a', 1, T)]); // older: ignored
      await sync(h.url, device, [line('a', 7, T + 10, 'replica2')]); // same ms, larger replica: wins
      const { records } = await sync(h.url, device);
      assert.deepEqual(
        records.map((r) => [r.key, r.value, r.hlc]),
        [['a', { qty: 7 }, hlc(T + 10, 0, 'replica2')]],
      );
    });

    it('a stale write never resurrects a tombstone', async () => {
      await sync(h.url, device, [line('a', 1, T)]);
      const tombstone: WireRecord = { doc: 'cart', key: 'a', value: null, hlc: hlc(T + 5), deleted: true };
      await sync(h.url, device, [tombstone]);
      await sync(h.url, device, [line('a', 9, T + 1)]); // a stale copy from another device
      const { records } = await sync(h.url, device);
      assert.deepEqual(records, [{ ...tombstone, deleted: true }]);
    });

    it('stores a tombstone without a value, whatever was sent along', async () => {
      await sync(h.url, device, [{ doc: 'cart', key: 'a', value: { qty: 1 }, hlc: hlc(T), deleted: true }]);
      assert.deepEqual((await sync(h.url, device)).records[0].value, null);
    });

    it('is idempotent: the same push twice changes nothing the second time', async () => {
      const push = [line('a', 1, T), line('b', 2, T + 1), { ...line('b', 3, T + 2), key: 'b' }];
      const once = await sync(h.url, device, push);
      const twice = await sync(h.url, device, push, once.cursor);
      assert.deepEqual(twice.records, [], 'nothing was rewritten, so nothing is newer than the cursor');
      assert.equal(twice.cursor, once.cursor);
      assert.deepEqual((await sync(h.url, device)).records, once.records);
    });

    it('keeps documents and profiles apart', async () => {
      const other = await register(h.url, 'laptop');
      await sync(h.url, device, [
        line('a', 1, T),
        { doc: 'form:checkout', key: 'a', value: 'x', hlc: hlc(T) },
      ]);
      await sync(h.url, other, [line('a', 2, T)]);
      assert.equal((await sync(h.url, device)).records.length, 2);
      assert.deepEqual(
        (await sync(h.url, other)).records.map((r) => r.value),
        [{ qty: 2 }],
      );
    });

    it('pages by 1000 with more: true, each page resuming from the last cursor', async () => {
      for (let batch = 0; batch < 3; batch++) {
        const push = Array.from({ length: 500 }, (_, i) => line(`k${batch * 500 + i}`, 1, T + i));
        await sync(h.url, device, push);
      }
      const first = await sync(h.url, device);
      assert.equal(first.records.length, 1000);
      assert.equal(first.more, true);
      const second = await sync(h.url, device, [], first.cursor);
      assert.equal(second.records.length, 500);
      assert.equal(second.more, false);
      const keys = new Set([...first.records, ...second.records].map((r) => r.key));
      assert.equal(keys.size, 1500, 'every record exactly once');
    });
  });

  describe('POST /v1/sync: validation', () => {
    const bad: [string, unknown, string | null, RegExp][] = [
      ['a record that is not an object', 'x', null, /push\[1\] must be an object/],
      ['an empty doc', { ...line('b', 1, T), doc: '' }, hlc(T), /push\[1\]\.doc must be a non-empty string/],
      ['a key over 256 chars', { ...line('b', 1, T), key: 'k'.repeat(257) }, hlc(T), /push\[1\]\.key .*256/],
      ['a malformed hlc', { ...line('b', 1, T), hlc: '2024-01-01' }, null, /push\[1\]\.hlc/],
      ['an hlc with a long replica', { ...line('b', 1, T), hlc: hlc(T, 0, 'r'.repeat(33)) }, null, /hlc/],
      ['a non-boolean deleted', { ...line('b', 1, T), deleted: 'yes' }, hlc(T), /deleted must be a boolean/],
      ['a missing value', { doc: 'cart', key: 'b', hlc: hlc(T) }, hlc(T), /value is required/],
      ['a value over 16 KB', { ...line('b', 1, T), value: 'x'.repeat(16 * 1024) }, hlc(T), /16 KB/],
    ];
    for (const [what, record, rejectedHlc, message] of bad) {
      it(`skips ${what}, reports it by hlc, and merges the rest of the push`, async () => {
        const res = await pushRaw([line('a', 1, T), record, line('c', 3, T)]);
        assert.equal(res.status, 200);
        const body = (await res.json()) as SyncBody;
        assert.equal(body.rejected.length, 1);
        const [rejected] = body.rejected;
        assert.deepEqual([rejected.hlc, rejected.code], [rejectedHlc, 'invalid_record']);
        assert.match(rejected.message, message);
        assert.deepEqual(
          body.records.map((r) => r.key),
          ['a', 'c'],
          'the valid records landed and came back in the same answer',
        );
      });
    }

    it('answers rejected: [] when every record is valid, or when nothing was pushed', async () => {
      assert.deepEqual((await sync(h.url, device, [line('a', 1, T)])).rejected, []);
      assert.deepEqual((await sync(h.url, device)).rejected, []);
    });

    it('still refuses a push that is not an array, whole', async () => {
      const res = await pushRaw({ doc: 'cart' });
      assert.equal(res.status, 400);
      const error = await errorOf(res);
      assert.equal(error.code, 'invalid_record');
      assert.match(error.message, /"push" must be an array/);
    });

    it('rejects more than 500 records and a cursor it never handed out', async () => {
      const many = await pushRaw(Array.from({ length: 501 }, (_, i) => line(`k${i}`, 1, T)));
      assert.deepEqual([many.status, (await errorOf(many)).code], [400, 'too_many_records']);
      const cursor = await pushRaw([line('a', 1, T)], 'abc');
      assert.deepEqual([cursor.status, (await errorOf(cursor)).code], [400, 'invalid_cursor']);
      assert.deepEqual((await sync(h.url, device)).records, [], 'a refused body merges nothing');
    });

    it('accepts a value of exactly 16 KB of JSON', async () => {
      const value = 'x'.repeat(16 * 1024 - 2); // the quotes make it 16384 bytes
      assert.equal((await pushRaw([{ ...line('a', 1, T), value }])).status, 200);
    });
  });

  describe('faults, stats and CORS on /v1/sync', () => {
    it('counts sync requests, faulted ones included, and applies targeted faults', async () => {
      h.server.faults.fail(1, 503, { 'Retry-After': '2' }, { path: '/v1/sync' });
      const batch = await api(h.url, 'POST', '/v1/batch', {
        body: { batch: [] },
        headers: { Authorization: 'Basic c2hvcC1rZXk6' },
      });
      assert.equal(batch.status, 200, 'a fault targeted at /v1/sync leaves /v1/batch alone');
      const faulted = await pushRaw([line('a', 1, T)]);
      assert.equal(faulted.status, 503);
      assert.equal(faulted.headers.get('retry-after'), '2');
      assert.deepEqual((await sync(h.url, device)).records, [], 'not processed');

      h.server.faults.drop(1, { after: true, path: '/v1/sync' });
      await assert.rejects(sync(h.url, device, [line('a', 1, T)]));
      assert.equal((await sync(h.url, device)).records.length, 1, 'processed, then the answer was lost');
      assert.equal(h.server.stats().syncRequests, 4);
    });

    it('answers the preflight of a Bearer JSON request, echoing Authorization and Content-Type', async () => {
      const res = await fetch(`${h.url}/v1/sync`, {
        method: 'OPTIONS',
        headers: {
          Origin: SHOP_ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
      assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type');
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
      const actual = await api(h.url, 'POST', '/v1/sync', {
        token: device.token,
        body: { push: [] },
        headers: { Origin: SHOP_ORIGIN },
      });
      assert.equal(actual.status, 200);
      assert.equal(actual.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    });

    it('allows DELETE in preflights (for /v1/devices/current)', async () => {
      const res = await fetch(`${h.url}/v1/devices/current`, {
        method: 'OPTIONS',
        headers: { Origin: SHOP_ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
      });
      assert.equal(res.status, 204);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /DELETE/);
    });
  });
});
