// Resume links: the shop's server makes a signed, expiring link to a customer's cart (an
// abandoned-cart email); opened on a fresh device, the page offers the lines and, on the customer's
// confirmation, copies them into that device's cart and records `Cart Restored` with the email's
// campaign. A changed link is told as such and offers nothing.
import { expect } from '@open-wc/testing';
import {
  backend,
  fixtureUrl,
  openDevice,
  resetBackend,
  storedEvents,
  TEST_SERVER_KEY,
  waitFor,
} from './helpers.ts';
import { cartOf, identifyIn, pagePool, wrap } from './sdk.ts';

const FAST = { flushInterval: 50, retryBaseDelay: 50, retryMaxDelay: 500 };

/** The shop's server asks for a link to mei's cart, opening `page` (the shop's page, utm fields and all). */
async function resumeLinkFor(page: string, ttlHours?: number): Promise<string> {
  const answer = await fetch(`${backend.url}/v1/profiles/mei/resume-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_SERVER_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: page, ttlHours }),
  });
  expect(answer.status, await answer.clone().text()).to.equal(201);
  return ((await answer.json()) as { link: string }).link;
}

/** What `omnikit.handoff.incoming()` answers on the page (kept as `window.__incoming`). */
const incoming = (page: Awaited<ReturnType<typeof wrap>>) =>
  page.eval<{ summary: unknown } | { problem: string } | null>(
    `omnikit.handoff.incoming().then((h) =>
      (window.__incoming = h) ? (h.problem ? { problem: h.problem } : { summary: h.summary }) : null)`,
  );

describe('resume links from an email', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('offers the cart on a fresh device, copies it on confirmation, and records Cart Restored', async () => {
    const laptop = await pool.open(FAST);
    await identifyIn(laptop, 'mei');
    await laptop.eval(
      `omnikit.cart.add({ productId: 'tee', name: 'Tee', price: 19.9, currency: 'EUR', quantity: 2 })`,
    );
    await waitFor(async () => (await cartOf(laptop)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // pushed

    const page = fixtureUrl({ autoPage: false, ...FAST }, 'esm').replace(
      '?',
      '?utm_source=email&utm_campaign=abandoned&',
    );
    const link = await resumeLinkFor(page);
    const phone = await wrap(pool.keep(await openDevice(link)));
    expect(await incoming(phone)).to.deep.equal({ summary: { cart: { lines: 1, quantity: 2 } } });
    expect(await phone.eval('__incoming.claim()')).to.equal(true);
    expect(await cartOf(phone)).to.deep.equal([['tee|', 2]]);
    expect(await phone.eval(`location.hash`)).to.equal(''); // the token left the address bar
    const anonymousId = await phone.anonymousId();
    const restored = await waitFor(async () =>
      (await storedEvents({ anonymousId, type: 'track' })).find((e) => e.event === 'Cart Restored'),
    );
    expect((restored.body.context as { campaign?: unknown }).campaign).to.deep.include({
      source: 'email',
      name: 'abandoned',
    });
    // A copy: the phone is not on mei's account, and mei's own cart is as it was.
    await laptop.eval(`omnikit.cart.update('tee|', 3)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await cartOf(phone)).to.deep.equal([['tee|', 2]]);
  });

  // (A link past its time, 410 resume_link_expired, is told as `expired`: the server's clock is moved in
  // test/server/protocol/resume.ts; here the backend keeps real time.)
  it('tells the customer a changed link is not valid, and offers nothing from it', async () => {
    const page = fixtureUrl({ autoPage: false, ...FAST }, 'esm');
    const link = await resumeLinkFor(page, 1);
    const changed = `${link.slice(0, -3)}${link.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const tampered = await wrap(pool.keep(await openDevice(changed)));
    expect(await incoming(tampered)).to.deep.equal({ problem: 'unknown' });
    expect((await tampered.errors()).map((e) => e.message).join()).to.match(/400 invalid_resume_token/);
    expect(await cartOf(tampered)).to.deep.equal([]);
  });
});
