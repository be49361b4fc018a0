// Handoff: "continue on another device" without logging in. The link carries a one-time
// token in its fragment; the new device shows what it would resume, claims it once on confirmation,
// then follows the cart live. A used or guessed token, a signed-in customer's cart, and a signed-in
// customer's device opening someone else's link, fail clearly.
// (The server's expiry check, 410 handoff_expired, is tested in test/server/protocol/handoff.ts with a
// short TTL; the test backend here keeps the 10-minute default.)
import { expect } from '@open-wc/testing';
import { fault, fixtureUrl, openDevice, resetBackend, storedEvents, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, type LineQuantity, pagePool, wrap } from './sdk.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const js = JSON.stringify;
const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };
const TOKEN = /#omnikit-handoff=([A-Za-z0-9_-]{22,})$/; // ≥ 128 bits, base64url

const product = (id: string) => ({ productId: id, name: `Product ${id}`, price: 10, currency: 'EUR' });
const add = (page: ClientPage, id: string, quantity = 1) =>
  page.eval<string>(`omnikit.cart.add(${js({ ...product(id), quantity })})`);

/** What `omnikit.handoff.incoming()` answers in the page (kept as `window.__incoming`). */
const incoming = (page: ClientPage) =>
  page.eval<{ summary: unknown } | { problem: string } | null>(
    `omnikit.handoff.incoming().then((h) =>
      (window.__incoming = h) ? (h.problem ? { problem: h.problem } : { summary: h.summary }) : null)`,
  );
const claim = (page: ClientPage) => page.eval<boolean>('__incoming.claim()');
const hasToken = (page: ClientPage) => page.eval<boolean>(`location.href.includes('omnikit-handoff')`);
const messages = async (page: ClientPage) => (await page.errors()).map((e) => `${e.code}: ${e.message}`);

describe('handoff to another device', function () {
  this.timeout(40_000); // several devices per test, on a machine other suites share
  const pool = pagePool();
  /** Opens `url` on a new device, as scanning the QR code would. */
  const openLink = async (url: string) => wrap(pool.keep(await openDevice(url)));
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  /** A phone with a guest cart (shoe ×2, sock ×1) and the handoff link it made. */
  async function phoneWithLink() {
    const phone = await pool.open(FAST);
    await add(phone, 'shoe', 2);
    await add(phone, 'sock', 1);
    const made = await phone.eval<{ url: string; expiresAt: string }>('omnikit.handoff.create()');
    return { phone, made };
  }
  const CART: LineQuantity[] = [
    ['shoe|', 2],
    ['sock|', 1],
  ];

  it('moves an anonymous cart to a new device by a one-time link, which then stays in sync', async () => {
    const { phone, made } = await phoneWithLink();
    const here = await phone.eval<string>('location.href');
    expect(made.url).to.match(TOKEN);
    expect(made.url.replace(TOKEN, '')).to.equal(here);
    const ttl = Date.parse(made.expiresAt) - Date.now();
    expect(ttl).to.be.within(9 * 60_000, 11 * 60_000);

    const laptop = await openLink(made.url);
    expect(await cartOf(laptop)).to.deep.equal([]);
    // What the page shows before the customer confirms: 2 lines, 3 items.
    expect(await incoming(laptop)).to.deep.equal({ summary: { cart: { lines: 2, quantity: 3 } } });
    expect(await hasToken(laptop)).to.equal(true); // nothing happens before the confirmation
    await sleep(300);
    expect(await cartOf(laptop)).to.deep.equal([]);
    expect(await claim(laptop)).to.equal(true);
    expect(await hasToken(laptop)).to.equal(false);
    await waitFor(async () => js(await cartOf(laptop)) === js(CART), { message: 'the cart on the laptop' });
    expect(await laptop.errors()).to.deep.equal([]);

    // And stays in sync, both ways, live.
    await sleep(300);
    await laptop.eval(`omnikit.cart.update('shoe|', 1)`);
    await waitFor(async () => js(await cartOf(phone)) === js([['shoe|', 1], CART[1]]), { timeout: 1000 });
    await phone.eval(`omnikit.cart.remove('sock|')`);
    await waitFor(async () => js(await cartOf(laptop)) === js([['shoe|', 1]]), { timeout: 1000 });
  });

  it('is claimed once: a later claim, or opening the used link, fails clearly (410 handoff_used)', async () => {
    const { made } = await phoneWithLink();
    // Another device peeks before the customer's laptop claims: it will lose the race.
    const late = await openLink(made.url);
    expect(await incoming(late)).to.not.equal(null);
    const laptop = await openLink(made.url);
    expect(await incoming(laptop)).to.not.equal(null);
    expect(await claim(laptop)).to.equal(true);

    expect(await claim(late)).to.equal(false);
    expect((await messages(late)).join('\n')).to.match(/410 handoff_used/);
    expect(await hasToken(late)).to.equal(false);

    // A third device opening the used link: no handoff offered, the customer told why, a clear error.
    const third = await openLink(made.url);
    expect(await incoming(third)).to.deep.equal({ problem: 'used' });
    expect((await messages(third)).join('\n')).to.match(/410 handoff_used/);
    expect(await hasToken(third)).to.equal(false);

    await sleep(1000);
    expect(await cartOf(late)).to.deep.equal([]);
    expect(await cartOf(third)).to.deep.equal([]);
    expect(await cartOf(laptop)).to.deep.equal(CART);
  });

  it('claims nothing when the customer dismisses it, and takes the token out of the address bar', async () => {
    const { made } = await phoneWithLink();
    const declined = await openLink(made.url);
    expect(await incoming(declined)).to.not.equal(null);
    await declined.eval('__incoming.dismiss()');
    expect(await hasToken(declined)).to.equal(false);
    await sleep(1000);
    expect(await cartOf(declined)).to.deep.equal([]);
    // Still good for the device the customer meant.
    const laptop = await openLink(made.url);
    expect(await incoming(laptop)).to.not.equal(null);
    expect(await claim(laptop)).to.equal(true);
  });

  it('fails clearly for a guessed token: no handoff, a 404 handoff_not_found error, token removed', async () => {
    const guessed = 'AAAAAAAAAAAAAAAAAAAAAA';
    const page = await openLink(
      `${fixtureUrl({ autoPage: false, ...FAST }, 'esm')}#omnikit-handoff=${guessed}`,
    );
    expect(await incoming(page)).to.deep.equal({ problem: 'unknown' });
    expect(await messages(page)).to.have.length(1);
    expect((await messages(page))[0]).to.match(/404 handoff_not_found/);
    expect(await hasToken(page)).to.equal(false);
    expect(await cartOf(page)).to.deep.equal([]);
  });

  it('tells the customer a link opened too late (410 handoff_expired), and takes the token out', async () => {
    const { made } = await phoneWithLink();
    await fault.expireHandoffs();
    const late = await openLink(made.url);
    expect(await incoming(late)).to.deep.equal({ problem: 'expired' });
    expect((await messages(late)).join('\n')).to.match(/410 handoff_expired/);
    expect(await hasToken(late)).to.equal(false);
    await sleep(500);
    expect(await cartOf(late)).to.deep.equal([]);
  });

  it('keeps the link when the backend cannot be asked, says so, and offers it once it answers', async () => {
    const { made } = await phoneWithLink();
    const laptop = await openLink(made.url);
    await laptop.block('/v1/handoff');
    expect(await incoming(laptop)).to.deep.equal({ problem: 'unavailable' });
    expect(await hasToken(laptop)).to.equal(true); // a reload, or a later call, may still take it
    await laptop.unblock('/v1/handoff');
    expect(await incoming(laptop)).to.deep.equal({ summary: { cart: { lines: 2, quantity: 3 } } });
    expect(await claim(laptop)).to.equal(true);
    await waitFor(async () => JSON.stringify(await cartOf(laptop)) === JSON.stringify(CART));
  });

  it('offers nothing on a page opened without a token, without fetching the handoff code', async () => {
    const page = await pool.open(FAST);
    expect(await incoming(page)).to.equal(null);
    expect(await page.errors()).to.deep.equal([]);
    // The flow is a chunk (omnikit-handoff.js, or the module from source): only a handoff link loads it.
    const fetched = await page.eval<string[]>(
      `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /handoff\\.(ts|js)\\b/.test(n))`,
    );
    expect(fetched).to.deep.equal([]);
  });

  it('refuses to hand off a signed-in customer’s cart (403 identified_profile)', async () => {
    const laptop = await pool.open(FAST);
    await add(laptop, 'shoe', 1);
    await identifyIn(laptop, 'mei');
    const anonymousId = await laptop.anonymousId();
    await waitFor(
      async () => (await storedEvents({ anonymousId, type: 'track' })).some((e) => e.event === 'Cart Merged'),
      { message: 'linked to mei' },
    );
    // Told why, so the page can say what to do instead: sign in on the other device.
    expect(await laptop.eval('omnikit.handoff.create()')).to.deep.equal({ problem: 'signed_in' });
    expect((await messages(laptop)).join('\n')).to.match(/403 identified_profile/);
  });
  it('never moves a signed-in customer’s device to someone else’s link (403 identified_device)', async () => {
    const { made } = await phoneWithLink();
    const laptop = await openLink(made.url);
    await add(laptop, 'mug', 1);
    await identifyIn(laptop, 'mei');
    const anonymousId = await laptop.anonymousId();
    await waitFor(
      async () => (await storedEvents({ anonymousId, type: 'track' })).some((e) => e.event === 'Cart Merged'),
      { message: 'linked to mei' },
    );
    expect(await incoming(laptop)).to.deep.equal({ problem: 'signed_in' });
    expect((await messages(laptop)).join('\n')).to.match(/403 identified_device/);
    expect(await hasToken(laptop)).to.equal(false);
    await sleep(500);
    expect(await cartOf(laptop)).to.deep.equal([['mug|', 1]]); // still mei's cart, not the link's
  });
});
