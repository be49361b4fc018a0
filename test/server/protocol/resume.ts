// Resume links (§4): the shop's server asks for a signed, expiring link to a customer's cart (for an
// abandoned-cart email); opened on any device, it offers the cart's live lines, a copy, with no
// access to the account. An expired, changed or foreign token is refused clearly.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, SHOP_ORIGIN, SHOP_SERVER_KEY, startServer, TEST_NOW } from '../helpers.ts';
import { api, hlc, identify, register, sync, type TestDevice, type WireRecord } from './client.ts';

const ADA = 'ada.lovelace@example.com';
/** A cart line as the SDK stores it. */
const cartLine = (id: string, qty: number, price: number): WireRecord => ({
  doc: 'cart',
  key: `${id}|`,
  value: { productId: id, name: `Product ${id}`, price, currency: 'EUR', qty },
  hlc: hlc(TEST_NOW, 0, 'phone'),
});
const serverKey = { Authorization: `Bearer ${SHOP_SERVER_KEY}` };

describe('resume links (§4)', () => {
  let h: Harness;
  let phone: TestDevice;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    h.server.resetRateLimits();
    await h.store.reset();
    phone = await register(h.url, 'anon-ada-phone');
    await identify(h.url, phone, ADA);
    await sync(h.url, phone, [cartLine('tee', 2, 19.9), cartLine('mug', 1, 8)]);
  });

  const ask = (body: unknown, headers: Record<string, string> = serverKey, userId = ADA) =>
    api(h.url, 'POST', `/v1/profiles/${encodeURIComponent(userId)}/resume-links`, { body, headers });
  const tokenOf = (link: string) => new URL(link).hash.slice('#omnikit-resume='.length);
  const resume = (device: TestDevice, token: unknown) =>
    api(h.url, 'POST', '/v1/resume', { token: device.token, body: { token } });
  async function refused(res: Response, status: number, code: string) {
    assert.equal(res.status, status, await res.clone().text());
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, code);
  }

  it("offers the cart's lines on a fresh device, a copy that gives no access to the account", async () => {
    const made = await ask({ url: `${SHOP_ORIGIN}/cart?utm_source=email&utm_campaign=abandoned` });
    assert.equal(made.status, 201, await made.clone().text());
    const { link, expiresAt } = (await made.json()) as { link: string; expiresAt: string };
    assert.ok(link.startsWith(`${SHOP_ORIGIN}/cart?utm_source=email&utm_campaign=abandoned#omnikit-resume=`));
    assert.equal(expiresAt, new Date(TEST_NOW + 72 * 3_600_000).toISOString());

    const fresh = await register(h.url, 'anon-somewhere');
    const opened = await resume(fresh, tokenOf(link));
    assert.equal(opened.status, 200, await opened.clone().text());
    const { lines } = (await opened.json()) as { lines: { productId: string; qty: number }[] };
    assert.deepEqual(lines.map((l) => [l.productId, l.qty]).sort(), [
      ['mug', 1],
      ['tee', 2],
    ]);
    // The fresh device stays on its own profile: nothing of Ada's account comes with the link.
    const own = await sync(h.url, fresh);
    assert.notEqual(own.profileId, (await sync(h.url, phone)).profileId);
    assert.deepEqual(own.records, []);
  });

  it('refuses a link past its time, a changed or made-up token, and another shop’s', async () => {
    const { link } = (await (await ask({ ttlHours: 1 })).json()) as { link: string };
    const token = tokenOf(link);
    const fresh = await register(h.url, 'anon-late');
    const [payload, signature] = token.split('.');
    const flipped = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    await refused(await resume(fresh, flipped), 400, 'invalid_resume_token');
    await refused(await resume(fresh, `${payload.slice(1)}.${signature}`), 400, 'invalid_resume_token');
    await refused(await resume(fresh, 'made-up'), 400, 'invalid_resume_token');
    await refused(await resume(fresh, 42), 400, 'invalid_resume_token');
    const blog = await register(h.url, 'anon-blog', 'blog-key');
    await refused(await resume(blog, token), 400, 'invalid_resume_token');
    h.clock.now = TEST_NOW + 3_600_000;
    await refused(await resume(fresh, token), 410, 'resume_link_expired');
  });

  it('makes links only with the server key, to the site’s own pages, for a customer not erased', async () => {
    await refused(await ask({}, {}), 401, 'missing_server_key');
    await refused(await ask({ url: 'https://phishing.example/cart' }), 400, 'invalid_resume_link');
    await refused(await ask({ url: 'not a url' }), 400, 'invalid_resume_link');
    await refused(await ask({ ttlHours: 0 }), 400, 'invalid_resume_link');
    await refused(await ask({ ttlHours: 24 * 31 }), 400, 'invalid_resume_link');
    const erased = await api(h.url, 'DELETE', `/v1/profiles/${encodeURIComponent(ADA)}?suppress=true`, {
      headers: serverKey,
    });
    assert.equal(erased.status, 200);
    await refused(await ask({}), 410, 'user_suppressed');
  });
});
