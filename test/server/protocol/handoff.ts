import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type ErrorBody, type Harness, startServer } from '../helpers.ts';
import {
  api,
  hlc,
  identify,
  line,
  openStream,
  register,
  type SseReader,
  sync,
  type TestDevice,
} from './client.ts';

describe('handoff (§4)', () => {
  let h: Harness;
  let phone: TestDevice;
  let laptop: TestDevice;
  before(async () => {
    h = await startServer({
      rateLimits: {
        handoffs: { limit: 3, windowMs: 60_000 },
        handoffClaims: { limit: 6, windowMs: 60_000 },
      },
    });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.faults.clear();
    h.server.resetRateLimits();
    await h.store.reset();
    phone = await register(h.url, 'phone');
    laptop = await register(h.url, 'laptop');
  });

  const T = 1_700_000_000_000;
  const errorCode = async (res: Response) => ((await res.json()) as ErrorBody).error.code;
  const create = (device: TestDevice) => api(h.url, 'POST', '/v1/handoff', { token: device.token });
  const peek = (device: TestDevice, token: string) =>
    api(h.url, 'POST', '/v1/handoff/peek', { token: device.token, body: { token } });
  const claim = (device: TestDevice, token: string) =>
    api(h.url, 'POST', '/v1/handoff/claim', { token: device.token, body: { token } });

  async function createToken(device: TestDevice): Promise<{ token: string; expiresAt: string }> {
    const res = await create(device);
    assert.equal(res.status, 201);
    return (await res.json()) as { token: string; expiresAt: string };
  }

  describe('POST /v1/handoff', () => {
    it('creates a 128-bit token, stored only as its hash, expiring in 10 minutes', async () => {
      const before = Date.now();
      const { token, expiresAt } = await createToken(phone);
      assert.match(token, /^[A-Za-z0-9_-]{22,}$/, '>= 16 random bytes, base64url');
      const expires = Date.parse(expiresAt);
      assert.ok(expires >= before + 600_000 && expires <= Date.now() + 600_000, expiresAt);

      const rows = await h.database.rows('handoffs');
      assert.equal(rows.length, 1);
      assert.equal(rows[0].token_hash, createHash('sha256').update(token).digest('hex'));
      assert.ok(!JSON.stringify(rows).includes(token));
    });

    it("refuses an identified user's profile with 403 identified_profile", async () => {
      await identify(h.url, phone, 'erin');
      const res = await create(phone);
      assert.deepEqual([res.status, await errorCode(res)], [403, 'identified_profile']);
    });

    it('rate-limits creation per device with 429 and Retry-After', async () => {
      for (let i = 0; i < 3; i++) await createToken(phone);
      const res = await create(phone);
      assert.deepEqual([res.status, await errorCode(res)], [429, 'rate_limited']);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      await createToken(laptop); // another device has its own budget
    });

    it('needs a device token', async () => {
      const res = await api(h.url, 'POST', '/v1/handoff');
      assert.deepEqual([res.status, await errorCode(res)], [401, 'invalid_token']);
    });
  });

  describe('POST /v1/handoff/peek and /claim', () => {
    it('peek summarises the cart without claiming; claim links the device to the profile once', async () => {
      await sync(h.url, phone, [
        line('sku-1', 2, T),
        line('sku-2', 1, T),
        { doc: 'cart', key: 'sku-3', value: null, hlc: hlc(T), deleted: true },
        { doc: 'cart', key: 'note', value: { text: 'gift' }, hlc: hlc(T) },
        { doc: 'form:checkout', key: 'email', value: { qty: 99 }, hlc: hlc(T) },
      ]);
      const { token, expiresAt } = await createToken(phone);

      const peeked = await peek(laptop, token);
      assert.equal(peeked.status, 200);
      assert.deepEqual(await peeked.json(), { summary: { cart: { lines: 2, quantity: 3 } }, expiresAt });
      assert.equal((await sync(h.url, laptop)).profileId, laptop.profileId, 'peek claims nothing');

      const claimed = await claim(laptop, token);
      assert.equal(claimed.status, 200);
      assert.deepEqual(await claimed.json(), { profileId: phone.profileId });
      const pulled = await sync(h.url, laptop);
      assert.equal(pulled.profileId, phone.profileId);
      assert.deepEqual(pulled.records.map((r) => r.key).sort(), ['email', 'note', 'sku-1', 'sku-2', 'sku-3']);

      const again = await claim(laptop, token);
      assert.deepEqual([again.status, await errorCode(again)], [410, 'handoff_used']);
      const peekUsed = await peek(laptop, token);
      assert.deepEqual([peekUsed.status, await errorCode(peekUsed)], [410, 'handoff_used']);
    });

    it('only one of two concurrent claims wins', async () => {
      const tablet = await register(h.url, 'tablet');
      const { token } = await createToken(phone);
      const results = await Promise.all([claim(laptop, token), claim(tablet, token)]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 410]);
      const profiles = [await sync(h.url, laptop), await sync(h.url, tablet)].map((s) => s.profileId);
      assert.equal(profiles.filter((p) => p === phone.profileId).length, 1);
    });

    it('answers 410 handoff_expired after the TTL (handoffTtlMs)', async () => {
      const short = await startServer({ handoffTtlMs: 50 });
      try {
        const [creator, claimer] = [await register(short.url, 'a'), await register(short.url, 'b')];
        const res = await api(short.url, 'POST', '/v1/handoff', { token: creator.token });
        const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
        assert.ok(Date.parse(expiresAt) <= Date.now() + 50);
        await new Promise((resolve) => setTimeout(resolve, 80));
        for (const path of ['/v1/handoff/peek', '/v1/handoff/claim']) {
          const answer = await api(short.url, 'POST', path, { token: claimer.token, body: { token } });
          assert.deepEqual([answer.status, await errorCode(answer)], [410, 'handoff_expired'], path);
        }
      } finally {
        await short.close();
      }
    });

    it('answers 404 to a guessed token or one of another site', async () => {
      const guessed = await claim(laptop, 'AAAAAAAAAAAAAAAAAAAAAA');
      assert.deepEqual([guessed.status, await errorCode(guessed)], [404, 'handoff_not_found']);
      const blogDevice = await register(h.url, 'reader', 'blog-key');
      const fresh = await createToken(phone);
      const foreign = await claim(blogDevice, fresh.token);
      assert.deepEqual([foreign.status, await errorCode(foreign)], [404, 'handoff_not_found'], 'other site');
      assert.equal((await sync(h.url, laptop)).profileId, laptop.profileId);
    });

    it('rejects a missing token with 400', async () => {
      const res = await api(h.url, 'POST', '/v1/handoff/claim', { token: laptop.token, body: {} });
      assert.deepEqual([res.status, await errorCode(res)], [400, 'invalid_handoff_token']);
    });

    it('rate-limits peeks and claims together per device', async () => {
      for (let i = 0; i < 6; i++) await peek(laptop, `guess-${i}`);
      const res = await claim(laptop, 'guess-7');
      assert.deepEqual([res.status, await errorCode(res)], [429, 'rate_limited']);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    });

    it("tells the claimer's stream, which then follows the new profile", async () => {
      const streams: SseReader[] = [];
      try {
        const laptopStream = await openStream(h.url, laptop);
        const phoneStream = await openStream(h.url, phone);
        streams.push(laptopStream, phoneStream);
        const { token } = await createToken(phone);
        await claim(laptop, token);
        await laptopStream.changed(1000);
        await phoneStream.changed(1000); // a device joined the profile
        await sync(h.url, phone, [line('sku-9', 1, T + 1)]);
        await laptopStream.changed(1000);
      } finally {
        for (const stream of streams) await stream.cancel();
      }
    });
  });
});
