import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BLOG_ORIGIN,
  type ErrorBody,
  type Harness,
  postJson,
  SHOP_ORIGIN,
  startServer,
  trackEvent,
} from '../helpers.ts';
import { api, identify, line, register, sync, type TestDevice, userHash } from './client.ts';

describe('devices and identity (§2)', () => {
  let h: Harness;
  before(async () => {
    h = await startServer({ rateLimits: { registrations: { limit: 1000, windowMs: 60_000 } } });
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.faults.clear();
    h.server.resetRateLimits();
    await h.store.reset();
  });

  const errorCode = async (res: Response) => ((await res.json()) as ErrorBody).error.code;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  /** Reads the devices table straight from the database, as an attacker with a backup would. */
  const deviceRows = () => h.database.rows('devices');

  describe('POST /v1/devices', () => {
    it('answers 201 with a 256-bit token that works, and stores only its SHA-256', async () => {
      const device = await register(h.url, 'anon-42');
      assert.match(device.token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
      assert.ok(device.deviceId && device.profileId);
      const res = await api(h.url, 'POST', '/v1/sync', {
        token: device.token,
        body: { push: [], cursor: '' },
      });
      assert.equal(res.status, 200);

      const rows = await deviceRows();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].token_hash, sha256(device.token));
      assert.equal(rows[0].anonymous_id, 'anon-42');
      const everything = JSON.stringify(rows);
      assert.ok(!everything.includes(device.token), 'the token itself is nowhere in the row');
    });

    it('gives each registration its own device, token and anonymous profile (even for the same anonymousId)', async () => {
      const a = await register(h.url, 'same-anon');
      const b = await register(h.url, 'same-anon');
      assert.notEqual(a.token, b.token);
      assert.notEqual(a.deviceId, b.deviceId);
      assert.notEqual(a.profileId, b.profileId, 'naming an anonymousId must not join its profile');
    });

    it('takes the write key from Basic auth or the query too', async () => {
      const basic = await postJson(`${h.url}/v1/devices`, { anonymousId: 'x' });
      const query = await postJson(
        `${h.url}/v1/devices?writeKey=shop-key`,
        { anonymousId: 'x' },
        { writeKey: null },
      );
      assert.deepEqual([basic.status, query.status], [201, 201]);
    });

    it('refuses a missing or unknown write key, a bad anonymousId and a foreign origin', async () => {
      const none = await api(h.url, 'POST', '/v1/devices', { body: { anonymousId: 'x' } });
      const unknown = await api(h.url, 'POST', '/v1/devices', {
        body: { writeKey: 'nope', anonymousId: 'x' },
      });
      const noAnon = await api(h.url, 'POST', '/v1/devices', { body: { writeKey: 'shop-key' } });
      const origin = await api(h.url, 'POST', '/v1/devices', {
        body: { writeKey: 'shop-key', anonymousId: 'x' },
        headers: { Origin: BLOG_ORIGIN },
      });
      assert.deepEqual(
        [none.status, await errorCode(none), unknown.status, await errorCode(unknown)],
        [401, 'missing_write_key', 401, 'invalid_write_key'],
      );
      assert.deepEqual([noAnon.status, await errorCode(noAnon)], [400, 'invalid_anonymous_id']);
      assert.deepEqual([origin.status, await errorCode(origin)], [403, 'origin_not_allowed']);
      assert.equal((await deviceRows()).length, 0);
    });

    it('rate-limits registrations per IP with 429 and Retry-After', async () => {
      const limited = await startServer({ rateLimits: { registrations: { limit: 3, windowMs: 60_000 } } });
      try {
        for (let i = 0; i < 3; i++) await register(limited.url, `a${i}`);
        const res = await api(limited.url, 'POST', '/v1/devices', {
          body: { writeKey: 'shop-key', anonymousId: 'a4' },
          headers: { Origin: SHOP_ORIGIN },
        });
        assert.equal(res.status, 429);
        assert.equal(await errorCode(res), 'rate_limited');
        const retryAfter = Number(res.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
        assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
        assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
        limited.server.resetRateLimits();
        await register(limited.url, 'a5');
      } finally {
        await limited.close();
      }
    });
  });

  describe('device tokens', () => {
    it('answers 401 invalid_token to a missing, malformed, unknown or revoked token', async () => {
      const device = await register(h.url);
      const body = { push: [], cursor: '' };
      const missing = await api(h.url, 'POST', '/v1/sync', { body });
      const basic = await postJson(`${h.url}/v1/sync`, body);
      const unknown = await api(h.url, 'POST', '/v1/sync', { token: `${device.token}x`, body });

      const revoke = await api(h.url, 'DELETE', '/v1/devices/current', { token: device.token });
      assert.equal(revoke.status, 204);
      const revoked = await api(h.url, 'POST', '/v1/sync', { token: device.token, body });
      const revokeAgain = await api(h.url, 'DELETE', '/v1/devices/current', { token: device.token });
      for (const res of [missing, basic, unknown, revoked, revokeAgain]) {
        assert.equal(res.status, 401);
        assert.equal(await errorCode(res), 'invalid_token');
      }
      assert.ok((await deviceRows())[0].revoked_at, 'revoked, not deleted');
    });

    it("checks the page's origin against the device's site", async () => {
      const device = await register(h.url);
      const res = await api(h.url, 'POST', '/v1/sync', {
        token: device.token,
        body: { push: [] },
        headers: { Origin: BLOG_ORIGIN },
      });
      assert.equal(res.status, 403);
      assert.equal(await errorCode(res), 'origin_not_allowed');
      assert.equal(res.headers.get('access-control-allow-origin'), BLOG_ORIGIN, 'still readable by the page');
    });
  });

  describe('POST /v1/identify', () => {
    let victim: TestDevice;
    let attacker: TestDevice;
    beforeEach(async () => {
      victim = await register(h.url, 'victim-phone');
      await identify(h.url, victim, 'alice');
      await sync(h.url, victim, [line('sku-secret', 3, 1_700_000_000_000)]);
      attacker = await register(h.url, 'attacker');
    });

    it('refuses a wrong or missing userHash with 403 and links nothing', async () => {
      const attempts = [
        { userId: 'alice', userHash: userHash('mallory') },
        { userId: 'alice', userHash: userHash('alice', 'wrong-secret') },
        { userId: 'alice', userHash: userHash('alice').slice(0, 63) },
        { userId: 'alice' },
      ];
      for (const body of attempts) {
        const res = await api(h.url, 'POST', '/v1/identify', { token: attacker.token, body });
        assert.equal(res.status, 403, JSON.stringify(body));
        assert.equal(await errorCode(res), 'invalid_user_hash');
      }
      const pulled = await sync(h.url, attacker);
      assert.equal(pulled.profileId, attacker.profileId, 'still on its own anonymous profile');
      assert.deepEqual(pulled.records, [], "none of alice's records");
    });

    it("links a correct hash; a second device of the same user sees the first one's records", async () => {
      const laptop = await register(h.url, 'alice-laptop');
      const linked = await identify(h.url, laptop, 'alice');
      assert.deepEqual(linked, {
        profileId: linked.profileId,
        userId: 'alice',
        previousProfileId: laptop.profileId,
        wasAnonymous: true,
      });
      const pulled = await sync(h.url, laptop);
      assert.equal(pulled.profileId, linked.profileId);
      assert.deepEqual(
        pulled.records.map((r) => [r.key, r.value]),
        [['sku-secret', { qty: 3 }]],
      );
      // And it did not leak to anyone else.
      assert.deepEqual((await sync(h.url, attacker)).records, []);
    });

    it('linking the same device to the same user again is a no-op', async () => {
      const first = await sync(h.url, victim);
      const again = await identify(h.url, victim, 'alice');
      assert.equal(again.wasAnonymous, false);
      assert.equal(again.profileId, first.profileId);
      assert.equal(again.previousProfileId, first.profileId);
    });

    it('moving from one user to another is not "anonymous"', async () => {
      const bob = await identify(h.url, victim, 'bob');
      assert.equal(bob.wasAnonymous, false);
      assert.deepEqual((await sync(h.url, victim)).records, [], "bob's profile is a different one");
    });

    it('answers 400 to a missing userId and 403 identity_not_configured on a site without a secret', async () => {
      const res = await api(h.url, 'POST', '/v1/identify', {
        token: attacker.token,
        body: { userHash: 'x' },
      });
      assert.deepEqual([res.status, await errorCode(res)], [400, 'invalid_user_id']);
      const blogDevice = await register(h.url, 'reader', 'blog-key');
      const blog = await api(h.url, 'POST', '/v1/identify', {
        token: blogDevice.token,
        body: { userId: 'alice', userHash: userHash('alice') },
      });
      assert.deepEqual([blog.status, await errorCode(blog)], [403, 'identity_not_configured']);
    });

    it("leaves RudderStack's /v1/identify event route (Basic auth) working", async () => {
      const event = trackEvent({ type: 'identify', userId: 'u-9', event: undefined });
      const res = await postJson(`${h.url}/v1/identify`, event);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { accepted: number }).accepted, 1);
    });
  });

  describe('restart', () => {
    it('keeps devices, links and records across a restart on the same database file', async () => {
      const phone = await register(h.url, 'phone');
      await identify(h.url, phone, 'carol');
      const before = await sync(h.url, phone, [line('sku-1', 2, 1_700_000_000_000)]);
      const gone = await register(h.url, 'gone');
      await api(h.url, 'DELETE', '/v1/devices/current', { token: gone.token });

      await h.restart();

      const after = await sync(h.url, phone);
      assert.equal(after.profileId, before.profileId);
      assert.deepEqual(after.records, before.records);
      const laptop = await register(h.url, 'laptop');
      assert.equal((await identify(h.url, laptop, 'carol')).profileId, before.profileId);
      const revoked = await api(h.url, 'POST', '/v1/sync', { token: gone.token, body: {} });
      assert.equal(revoked.status, 401, 'still revoked');
      // Cursors keep growing: nothing written after the restart hides behind an old cursor.
      const next = await sync(h.url, laptop, [line('sku-2', 1, 1_700_000_000_001)], before.cursor);
      assert.deepEqual(
        next.records.map((r) => r.key),
        ['sku-2'],
      );
      assert.ok(Number(next.cursor) > Number(before.cursor));
    });
  });
});
