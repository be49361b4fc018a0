// Device linking: a verified identify links the customer's devices (their cart follows,
// a guest cart is merged once by the site's policy, never during a checkout); a mere claim of a user id
// links nothing; reset() takes the customer's cart off the device. All through the public client API.
import { expect } from '@open-wc/testing';
import { fault, resetBackend, storedEvents, userHashOf, waitFor } from './helpers.ts';
import { type ClientPage, cartOf, identifyIn, type LineQuantity, pagePool, wrap } from './sdk.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const js = JSON.stringify;
const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };

const product = (id: string, price = 10) => ({
  productId: id,
  name: `Product ${id}`,
  price,
  currency: 'EUR',
});
/** Line id of `product(id)`: no variant, no options. */
const line = (id: string) => `${id}|`;

const add = (page: ClientPage, id: string, quantity = 1) =>
  page.eval<string>(`omnikit.cart.add(${js({ ...product(id), quantity })})`);
const sorted = (lines: LineQuantity[]) => [...lines].sort(([a], [b]) => (a < b ? -1 : 1));

/** Waits until the page's cart is `expected` (sorted [line id, quantity]). */
async function cartIs(page: ClientPage, expected: LineQuantity[], message: string, timeout = 5000) {
  const want = js(sorted(expected));
  await waitFor(async () => js(await cartOf(page)) === want, { message, timeout });
}

/**
 * Collects the merge notices in the page: `cart.onMerge(listener)` (or, where the client offers it
 * instead, `omnikit.on('cartMerged', listener)`).
 */
const watchMerges = (page: ClientPage) =>
  page.eval(`window.__merges = [];
    (typeof omnikit.cart.onMerge === 'function'
      ? (l) => omnikit.cart.onMerge(l)
      : (l) => omnikit.on('cartMerged', l))((changes) => __merges.push(changes))`);
const merges = (page: ClientPage) =>
  page.eval<{ id: string; name: string; from: number; to: number }[][]>('__merges');

const tracked = async (anonymousId: string, event: string) =>
  (await storedEvents({ anonymousId, type: 'track' })).filter((e) => e.event === event);

/**
 * A device of `user` whose cart holds `lines` on the server: filled as a guest, then identified (the
 * guest cart goes to the empty account, with a Cart Merged event once written).
 */
async function accountDevice(pool: ReturnType<typeof pagePool>, user: string, lines: [string, number][]) {
  const page = await pool.open(FAST);
  for (const [id, quantity] of lines) await add(page, id, quantity);
  await identifyIn(page, user);
  const anonymousId = await page.anonymousId();
  await waitFor(async () => (await tracked(anonymousId, 'Cart Merged')).length, {
    message: `${user}'s cart linked`,
  });
  await sleep(300); // pushed 50 ms after the write
  return page;
}

describe('linking devices by a verified identify', function () {
  this.timeout(40_000); // several devices per test, on a machine other suites share
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('shows the cart filled as a guest on A on device B once both log in, and every change within 1 s', async () => {
    const phone = await pool.open(FAST);
    await add(phone, 'shoe', 2);
    await add(phone, 'sock', 3);
    await identifyIn(phone, 'mei', { traits: { email: 'mei@example.com' } });
    const laptop = await pool.open(FAST);
    await identifyIn(laptop, 'mei');
    await cartIs(
      laptop,
      [
        [line('shoe'), 2],
        [line('sock'), 3],
      ],
      'the guest cart on the laptop',
    );
    await sleep(300); // both streams open

    /** Runs `change` on `from`; answers the ms until `to`'s cart subscriber saw `expected`. */
    const latency = async (from: ClientPage, change: string, to: ClientPage, expected: LineQuantity[]) => {
      await to.eval(`void (window.__heard = new Promise((resolve) => {
        const want = ${js(js(sorted(expected)))};
        const show = (lines) => JSON.stringify(lines.map((l) => [l.id, l.quantity]).sort(([a], [b]) => (a < b ? -1 : 1)));
        const off = omnikit.cart.subscribe((lines) => show(lines) === want && (off(), resolve(Date.now())));
        setTimeout(() => resolve(1e9), 3000);
      }))`);
      const changedAt = await from.eval<number>(`(${change}, Date.now())`);
      return (await to.eval<number>('__heard')) - changedAt;
    };
    const times = [
      await latency(phone, `omnikit.cart.update('shoe|', 1)`, laptop, [
        [line('shoe'), 1],
        [line('sock'), 3],
      ]),
      await latency(phone, `omnikit.cart.add(${js(product('hat'))})`, laptop, [
        [line('shoe'), 1],
        [line('sock'), 3],
        [line('hat'), 1],
      ]),
      await latency(laptop, `omnikit.cart.remove('sock|')`, phone, [
        [line('shoe'), 1],
        [line('hat'), 1],
      ]),
    ];
    for (const ms of times) expect(ms).to.be.at.most(1000);
    await sleep(300);
    expect(await cartOf(phone)).to.deep.equal(await cartOf(laptop));
    expect(await phone.errors()).to.deep.equal([]);
    expect(await laptop.errors()).to.deep.equal([]);
  });

  // Account (laptop): s1 ×3, s2 ×1, a ×1. Guest (phone): s1 ×1, s2 ×2, g ×1.
  const policies = {
    max: {
      cart: { s1: 3, s2: 2, a: 1, g: 1 },
      changes: [
        ['s2', 1, 2],
        ['g', 0, 1],
      ],
    },
    sum: {
      cart: { s1: 4, s2: 3, a: 1, g: 1 },
      changes: [
        ['s1', 3, 4],
        ['s2', 1, 3],
        ['g', 0, 1],
      ],
    },
    'guest-wins': {
      cart: { s1: 1, s2: 2, a: 1, g: 1 },
      changes: [
        ['s1', 3, 1],
        ['s2', 1, 2],
        ['g', 0, 1],
      ],
    },
    'account-wins': { cart: { s1: 3, s2: 1, a: 1, g: 1 }, changes: [['g', 0, 1]] },
  } as const;

  for (const [policy, expected] of Object.entries(policies)) {
    it(`merges a guest cart into the account's once by the ${policy} policy${policy === 'max' ? ' (the default)' : ''}, with a notice and a Cart Merged event`, async () => {
      const user = `user-${policy}`;
      const laptop = await accountDevice(pool, user, [
        ['s1', 3],
        ['s2', 1],
        ['a', 1],
      ]);

      // The default policy is tested without the option.
      const phone = await pool.open({ ...FAST, ...(policy !== 'max' && { cartMerge: policy }) });
      await add(phone, 's1', 1);
      await add(phone, 's2', 2);
      await add(phone, 'g', 1);
      await watchMerges(phone);
      await identifyIn(phone, user);

      const cart = Object.entries(expected.cart).map(([id, q]): LineQuantity => [line(id), q]);
      await cartIs(phone, cart, `the phone shows the ${policy} merge`);
      await cartIs(laptop, cart, `the laptop shows the ${policy} merge`);
      const changes = expected.changes.map(([id, from, to]) => ({
        id: line(id),
        name: `Product ${id}`,
        from,
        to,
      }));
      await waitFor(async () => (await merges(phone)).length, { message: 'the merge notice' });
      expect(await merges(phone)).to.deep.equal([changes]);

      const anonymousId = await phone.anonymousId();
      const [merged] = await waitFor(async () => {
        const events = await tracked(anonymousId, 'Cart Merged');
        return events.length && events;
      });
      expect(merged.userId).to.equal(user);
      expect(merged.body.properties).to.deep.equal({
        policy,
        changes: changes.map(({ id, from, to }) => ({ line_id: id, from, to })),
      });

      // Once: identifying again, or reloading, merges nothing more.
      await identifyIn(phone, user);
      await phone.reload();
      const again = await wrap(phone);
      await watchMerges(again);
      await identifyIn(again, user);
      await sleep(1000);
      expect(await cartOf(again)).to.deep.equal(sorted(cart));
      expect(await cartOf(laptop)).to.deep.equal(sorted(cart));
      expect(await merges(again)).to.deep.equal([]);
      expect(await tracked(anonymousId, 'Cart Merged')).to.have.length(1);
      expect(await phone.errors()).to.deep.equal([]);
    });
  }

  it('keeps a line added while the sign-in is still on its way, and merges by the policy', async () => {
    const laptop = await accountDevice(pool, 'slow-network', [
      ['a', 1],
      ['g', 3],
    ]);
    const phone = await pool.open(FAST);
    await add(phone, 'g', 1);
    await sleep(300); // the guest line is pushed to the guest profile
    await fault.delay(600, 1, '/v1/identify'); // a slow mobile network
    await identifyIn(phone, 'slow-network');
    await sleep(200);
    await add(phone, 'late', 1); // tapped while the sign-in request is still out
    const expected: LineQuantity[] = [
      [line('a'), 1],
      [line('g'), 3], // max(3, 1): the guest's newer copy does not overwrite the account's by LWW
      [line('late'), 1],
    ];
    await sleep(2000);
    expect(await cartOf(phone)).to.deep.equal(sorted(expected));
    expect(await cartOf(laptop)).to.deep.equal(sorted(expected));
  });

  /** An account cart (a ×1) on the laptop, a guest cart (g ×2) on the phone in checkout. */
  async function checkoutScene(user: string) {
    const laptop = await accountDevice(pool, user, [['a', 1]]);
    const phone = await pool.open(FAST);
    await add(phone, 'g', 2);
    await watchMerges(phone);
    await phone.call('track', 'Checkout Started', { order_id: 'o-1', value: 20 });
    await identifyIn(phone, user); // "sign in to check out"
    return { laptop, phone, anonymousId: await phone.anonymousId() };
  }
  const mergedCart: LineQuantity[] = [
    [line('a'), 1],
    [line('g'), 2],
  ];

  it('does not merge while a checkout is in progress; once the order completed, what was bought is not merged', async () => {
    const { laptop, phone, anonymousId } = await checkoutScene('shopper-1');
    await sleep(1500);
    expect(await cartOf(laptop)).to.deep.equal([[line('a'), 1]]); // the account's cart: unchanged
    expect(await merges(phone)).to.deep.equal([]);
    expect(await tracked(anonymousId, 'Cart Merged')).to.deep.equal([]);

    // The guest's lines were bought: the order empties them, and the sign-in then links the phone to
    // the account, whose own line stays (it was not in this order).
    await phone.call('track', 'Order Completed', { order_id: 'o-1', total: 20 });
    await waitFor(async () => JSON.stringify(await cartOf(phone)) === JSON.stringify([[line('a'), 1]]), {
      message: "the phone shows the account's cart after the order",
    });
    await sleep(1000);
    expect(await cartOf(laptop)).to.deep.equal([[line('a'), 1]]);
    expect(await tracked(anonymousId, 'Cart Merged')).to.deep.equal([]);
  });

  it('merges after a cancelled checkout too', async () => {
    const { laptop, phone, anonymousId } = await checkoutScene('shopper-2');
    await sleep(1000);
    expect(await cartOf(laptop)).to.deep.equal([[line('a'), 1]]);
    await phone.call('track', 'Checkout Cancelled', { order_id: 'o-1' });
    await cartIs(laptop, mergedCart, 'merged on the laptop after the cancelled checkout');
    await waitFor(async () => (await tracked(anonymousId, 'Cart Merged')).length === 1);
  });

  it('keeps showing the device in checkout the cart being checked out, not the account’s', async () => {
    const { phone } = await checkoutScene('shopper-3');
    await sleep(1500);
    // The customer pays for what they see: the lines they put in the cart, not the account's.
    expect(await cartOf(phone)).to.deep.equal([[line('g'), 2]]);
  });

  it('keeps a guest cart whose merge waits for a checkout across a reload', async () => {
    const { laptop, phone } = await checkoutScene('shopper-4');
    await sleep(500);
    await phone.reload(); // e.g. the payment provider's redirect back to the shop
    const again = await wrap(phone);
    await identifyIn(again, 'shopper-4'); // a site that identifies its signed-in customer on every page
    await sleep(500);
    await again.call('track', 'Checkout Cancelled', { order_id: 'o-1' }); // the payment failed
    await sleep(1500);
    expect(await cartOf(laptop)).to.deep.equal(mergedCart); // the guest's lines were not lost
  });

  it('gives a device that claims a user id without a valid hash none of that user’s cart, over time', async () => {
    const victim = await accountDevice(pool, 'victim', [['secret-gift', 1]]);

    const wrongHash = await pool.open(FAST);
    await add(wrongHash, 'own', 1);
    await identifyIn(wrongHash, 'victim', { hash: 'wrong' });
    const otherUsersHash = await pool.open(FAST);
    await identifyIn(otherUsersHash, 'victim', { hash: await userHashOf('attacker') });
    const noHash = await pool.open(FAST);
    await identifyIn(noHash, 'victim', { hash: null, traits: { plan: 'pro' } });
    for (const page of [wrongHash, otherUsersHash, noHash]) await page.call('track', 'Looked Around');

    await sleep(1500);
    for (const page of [wrongHash, otherUsersHash, noHash]) {
      // A forced read (starts the cart where nothing did), a focus (a sync), and more time.
      await page.eval(`(omnikit.cart.items(), dispatchEvent(new Event('focus')))`);
    }
    await sleep(1000);
    expect(await cartOf(wrongHash)).to.deep.equal([[line('own'), 1]]);
    expect(await cartOf(otherUsersHash)).to.deep.equal([]);
    expect(await cartOf(noHash)).to.deep.equal([]);
    // Nor did the intruder's own line reach the victim.
    expect(await cartOf(victim)).to.deep.equal([[line('secret-gift'), 1]]);

    // Refused clearly where a hash was given; no link attempted without one.
    for (const page of [wrongHash, otherUsersHash]) {
      expect((await page.errors()).map((e) => e.message)).to.deep.equal(['identify: 403 invalid_user_hash']);
    }
    expect(await noHash.errors()).to.deep.equal([]);
    // Events are still tagged with the claimed user id (that is all a claim does).
    for (const page of [wrongHash, otherUsersHash, noHash]) {
      const anonymousId = await page.anonymousId();
      const events = await waitFor(async () => {
        const stored = await storedEvents({ anonymousId });
        return stored.some((e) => e.event === 'Looked Around') && stored;
      });
      const identify = events.find((e) => e.type === 'identify');
      const track = events.find((e) => e.event === 'Looked Around');
      expect([identify?.userId, track?.userId]).to.deep.equal(['victim', 'victim']);
    }
  });

  it('takes the customer’s cart off the device at reset() and starts a new anonymous id', async () => {
    const shared = await pool.open(FAST); // a shared computer
    await add(shared, 'shoe', 2);
    await identifyIn(shared, 'mei');
    const phone = await pool.open(FAST);
    await identifyIn(phone, 'mei');
    await cartIs(phone, [[line('shoe'), 2]], 'mei’s cart on her phone');
    const before = await shared.anonymousId();

    await shared.call('reset');
    await shared.call('track', 'After Reset');
    await cartIs(shared, [], 'no cart on the shared computer after reset()', 3000);
    const after = await shared.anonymousId();
    expect(after).to.be.a('string').and.not.equal(before);
    const [event] = await waitFor(async () => {
      const events = await tracked(after, 'After Reset');
      return events.length && events;
    });
    expect(event.userId).to.equal(null);

    // Not in storage either: the next person to open the site sees none of it.
    await shared.reload();
    const next = await wrap(shared);
    await next.eval('omnikit.cart');
    await sleep(1000);
    expect(await cartOf(next)).to.deep.equal([]);
    // And the device is no longer linked: its changes stay off mei's cart, hers stay off it…
    await add(next, 'stranger', 1);
    await phone.eval(`omnikit.cart.add(${js(product('hat'))})`);
    await sleep(1500);
    expect(await cartOf(next)).to.deep.equal([[line('stranger'), 1]]);
    // …while nothing was deleted on the server.
    expect(await cartOf(phone)).to.deep.equal(
      sorted([
        [line('shoe'), 2],
        [line('hat'), 1],
      ]),
    );
  });

  it('takes the customer’s cart off the device at reset() even on a page that never touched the cart', async () => {
    const shared = await pool.open(FAST);
    await add(shared, 'shoe', 2);
    await identifyIn(shared, 'lin');
    const anonymousId = await shared.anonymousId();
    await waitFor(async () => (await tracked(anonymousId, 'Cart Merged')).length, { message: 'linked' });
    await sleep(300);
    await shared.reload(); // the account page, with a "log out" button: no cart on it
    const logout = await wrap(shared);
    await logout.call('reset');
    await sleep(1000);
    await logout.reload(); // the next person opens the shop
    const next = await wrap(logout);
    await next.eval('omnikit.cart');
    await sleep(1500);
    expect(await cartOf(next)).to.deep.equal([]);
  });
});
