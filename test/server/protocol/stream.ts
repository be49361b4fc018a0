import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, SHOP_ORIGIN, startServer } from '../helpers.ts';
import {
  api,
  identify,
  line,
  openStream,
  register,
  type SseReader,
  sync,
  type TestDevice,
  until,
} from './client.ts';

describe('change stream (§3)', () => {
  const PING_MS = 60;
  let h: Harness;
  let phone: TestDevice;
  let laptop: TestDevice;
  const open: SseReader[] = [];
  before(async () => {
    h = await startServer({ streamPingMs: PING_MS });
  });
  after(() => h.close());
  beforeEach(async () => {
    for (const stream of open.splice(0)) await stream.cancel();
    h.server.faults.clear();
    h.server.resetStats();
    await h.store.reset();
    phone = await register(h.url, 'phone');
    laptop = await register(h.url, 'laptop');
    await identify(h.url, phone, 'dana');
    await identify(h.url, laptop, 'dana');
  });

  const T = 1_700_000_000_000;
  async function listen(device: TestDevice): Promise<SseReader> {
    const stream = await openStream(h.url, device);
    open.push(stream);
    return stream;
  }

  describe('GET /v1/stream', () => {
    it('is an event stream that tells the other device within ~100 ms that something changed', async () => {
      const stream = await listen(laptop);
      assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
      assert.equal(stream.headers['cache-control'], 'no-cache');
      const pushed = await sync(h.url, phone, [line('a', 1, T)]);
      // Published before the push is answered, so it is (nearly) there when the pusher hears back;
      // measured from then, a loaded machine slowing the push itself does not make this flaky.
      const start = performance.now();
      const changed = await stream.changed(1000);
      const elapsed = performance.now() - start;
      assert.ok(elapsed < 100, `changed arrived ${elapsed.toFixed(0)} ms after the push was answered`);
      assert.equal(changed.cursor, pushed.cursor);
      // It carries what the laptop would pull from its cursor, so the laptop needs no pull at all.
      const pulled = await sync(h.url, laptop, [], changed.from);
      assert.equal(changed.profileId, pulled.profileId);
      assert.deepEqual(changed.records, pulled.records);
      assert.deepEqual(
        changed.records?.map((r) => [r.key, r.value]),
        [['a', { qty: 1 }]],
      );
      assert.equal(pulled.cursor, changed.cursor);
    });

    it("follows the profile's cursor: a device that pulled up to `from` is exactly up to date after it", async () => {
      const stream = await listen(laptop);
      await sync(h.url, phone, [line('a', 1, T)]);
      const upToDate = await sync(h.url, laptop);
      const first = await stream.changed(1000);
      assert.equal(first.cursor, upToDate.cursor);
      // A change the laptop missed (its stream was not listening) leaves a gap the next message shows.
      await sync(h.url, phone, [line('b', 1, T), line('c', 1, T)]);
      const second = await stream.changed(1000);
      assert.equal(second.from, upToDate.cursor);
      assert.deepEqual(second.records?.map((r) => r.key).sort(), ['b', 'c']);
      assert.deepEqual(second.records, (await sync(h.url, laptop, [], second.from)).records);
    });

    it('announces a change too large to carry without its records: the device pulls it', async () => {
      const stream = await listen(laptop);
      const big = 'x'.repeat(10_000);
      const lines = Array.from({ length: 8 }, (_, i) => ({ ...line(`big${i}`, 1, T), value: { big } }));
      const pushed = await sync(h.url, phone, lines);
      const changed = await stream.changed(1000);
      assert.deepEqual(changed, { cursor: pushed.cursor, profileId: pushed.profileId });
    });

    it('says nothing when a push changes nothing (so a sync on "changed" cannot loop)', async () => {
      await sync(h.url, phone, [line('a', 1, T)]);
      const stream = await listen(laptop);
      await sync(h.url, phone, [line('a', 1, T)]);
      await sync(h.url, laptop);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(
        stream.pending().filter((m) => m.event),
        [],
      );
    });

    it("does not tell other profiles' streams", async () => {
      const stranger = await register(h.url, 'stranger');
      const stream = await listen(stranger);
      await sync(h.url, phone, [line('a', 1, T)]);
      await assert.rejects(stream.changed(100), /no matching stream message/);
    });

    it('sends ": ping" comments at the configured interval', async () => {
      const stream = await listen(phone);
      await stream.next((m) => m.comment === 'ping', 2000);
      const first = performance.now();
      await stream.next((m) => m.comment === 'ping', 2000);
      const gap = performance.now() - first;
      // Timers never fire (much) early; a loaded machine only makes the gap longer.
      assert.ok(gap >= PING_MS - 5, `pings ${gap.toFixed(0)} ms apart`);
    });

    it('follows the device when it is linked to another profile, and tells it', async () => {
      const newcomer = await register(h.url, 'tablet');
      const stream = await listen(newcomer);
      await identify(h.url, newcomer, 'dana');
      await stream.changed(1000);
      await sync(h.url, phone, [line('b', 1, T)]);
      await stream.changed(1000);
    });

    it('answers 401 without a valid token, and carries CORS headers', async () => {
      const res = await api(h.url, 'GET', '/v1/stream', { headers: { Origin: SHOP_ORIGIN } });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    });

    it('counts open streams; dropStreams() cuts them abruptly', async () => {
      const a = await listen(phone);
      const b = await listen(laptop);
      assert.equal(h.server.stats().streamsOpen, 2);
      assert.equal(h.server.stats().streamsOpened, 2);
      assert.equal(h.server.faults.dropStreams(), 2);
      assert.deepEqual(await Promise.all([a.done, b.done]), ['error', 'error'], 'cut, not ended');
      assert.equal(h.server.stats().streamsOpen, 0);
      // The client reconnects and hears changes again.
      const again = await listen(laptop);
      await sync(h.url, phone, [line('a', 1, T)]);
      await again.changed(1000);
    });

    it('the stream closes when its client goes away', async () => {
      const stream = await listen(phone);
      assert.equal(h.server.stats().streamsOpen, 1);
      await stream.cancel();
      await until(() => h.server.stats().streamsOpen === 0, 2000, 'the server to notice');
    });

    it('faults apply to the stream: fail, and drop of the next connection', async () => {
      h.server.faults.fail(1, 500, {}, { path: '/v1/stream' });
      assert.equal((await api(h.url, 'GET', '/v1/stream', { token: phone.token })).status, 500);
      h.server.faults.drop(1, { path: '/v1/stream' });
      await assert.rejects(api(h.url, 'GET', '/v1/stream', { token: phone.token }));
      h.server.faults.drop(1, { path: '/v1/stream', after: true });
      await assert.rejects(api(h.url, 'GET', '/v1/stream', { token: phone.token }));
      assert.equal(h.server.stats().streamsOpened, 1, 'opened, then cut');
      await until(() => h.server.stats().streamsOpen === 0, 2000, 'the cut stream to be forgotten');
      const stream = await listen(phone);
      await stream.next((m) => m.comment === 'connected');
      assert.equal(h.server.stats().streamsOpen, 1);
    });

    it('revoking the device ends its stream', async () => {
      const stream = await listen(phone);
      assert.equal((await api(h.url, 'DELETE', '/v1/devices/current', { token: phone.token })).status, 204);
      assert.equal(await stream.done, 'end');
      assert.equal(h.server.stats().streamsOpen, 0);
    });
  });

  describe('shutdown', () => {
    it('close() ends open streams cleanly and promptly; a new server listens on the same port and file', async () => {
      const a = await listen(phone);
      const b = await listen(laptop);
      const start = performance.now();
      await h.restart();
      assert.ok(performance.now() - start < 1000, `restart took ${performance.now() - start} ms`);
      assert.deepEqual(await Promise.all([a.done, b.done]), ['end', 'end']);
      const again = await listen(laptop);
      await sync(h.url, phone, [line('a', 1, T)]);
      await again.changed(1000);
    });
  });
});
