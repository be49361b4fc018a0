// Consent that follows a verified customer: made on one device, it holds on their others.
import { expect } from '@open-wc/testing';
import type { ConsentAnswer } from '../../src/protocol/index.ts';
import { backend, resetBackend, storedEvents, storedRecords, TEST_SERVER_KEY, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, pagePool } from './sdk.ts';

const pool = pagePool();
const USER = 'consent-follows-1';

/** The version of the privacy policy the shop's pages show. */
const POLICY = '2026-12';

/** A device of the customer, signed in with proof, its consent as the config says. */
async function device(consent: string): Promise<ClientPage> {
  const page = await pool.open({ endpoint: backend.url, flushInterval: 20, consent, privacyPolicy: POLICY });
  await page.eval(`window.heard = []; omnikit.on('consent', (c) => heard.push(c))`);
  await identifyIn(page, USER);
  return page;
}

/** A choice as text, its categories in order, to compare two. */
const sorted = (choice: Record<string, boolean>) => JSON.stringify(Object.entries(choice).sort());
const preferences = (page: ClientPage) => page.eval<Record<string, boolean>>('omnikit.consent.get()');

describe('consent across a verified customer’s devices', () => {
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('a choice made on the phone applies on the laptop at sign-in, and the laptop’s page is told', async () => {
    const phone = await device(JSON.stringify({ analytics: true }));
    await phone.eval(`omnikit.consent.set({ marketing: false, personalization: true })`);
    await waitFor(
      async () =>
        (await storedRecords()).some(
          (r) => r.doc === 'consent' && r.key === 'personalization' && JSON.parse(`${r.value}`).granted,
        ),
      { message: "the phone's choice on the server" },
    );
    // The laptop's banner had an older answer; signing in brings the account's.
    const laptop = await device(JSON.stringify({ analytics: true, marketing: true }));
    const expected = { necessary: true, analytics: true, marketing: false, personalization: true };
    await waitFor(async () => sorted(await preferences(laptop)) === sorted(expected), {
      message: "the phone's choice on the laptop",
      timeout: 10_000,
    });
    expect(await laptop.eval('omnikit.consent.state')).to.equal('granted');
    expect(await laptop.eval('heard.at(-1)')).to.deep.equal(expected);
  });

  it('signing in while the banner waits brings the account’s choice: the page is told, and what waited is sent with it', async () => {
    const phone = await device(JSON.stringify({ analytics: true, personalization: true }));
    await waitFor(
      async () => (await storedRecords()).some((r) => r.doc === 'consent' && r.key === 'analytics'),
      {
        message: "the phone's choice on the server",
      },
    );
    const laptop = await pool.open({ endpoint: backend.url, flushInterval: 20, consent: 'pending' });
    await laptop.eval(`window.heard = []; omnikit.on('consent', (c) => heard.push(c))`);
    await laptop.eval(`omnikit.track('Browsed While Asked')`);
    await identifyIn(laptop, USER);
    const expected = { necessary: true, analytics: true, marketing: false, personalization: true };
    await waitFor(async () => sorted(await preferences(laptop)) === sorted(expected), {
      message: "the account's choice on the laptop",
      timeout: 10_000,
    });
    expect(await laptop.eval('heard.at(-1)')).to.deep.equal(expected);
    const anonymousId = await laptop.anonymousId();
    const [browsed] = await waitFor(async () => {
      const events = (await storedEvents({ anonymousId })).filter((e) => e.event === 'Browsed While Asked');
      return events.length === 1 && events;
    });
    const context = browsed.body.context as { consent: { categoryPreferences: Record<string, boolean> } };
    expect(context.consent.categoryPreferences).to.deep.equal(expected);
    await phone.close();
  });

  it('a withdrawal on one device stops collection on the other within 2 s', async () => {
    const phone = await device('granted');
    const laptop = await device('granted');
    await waitFor(async () => (await preferences(laptop)).analytics === true);
    // Both signed in and following; the phone withdraws analytics.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const withdrawn = Date.now();
    await phone.eval(`omnikit.consent.set({ analytics: false })`);
    await waitFor(async () => (await preferences(laptop)).analytics === false, {
      message: 'the withdrawal on the laptop',
      timeout: 2000,
    });
    expect(Date.now() - withdrawn).to.be.below(2000);
    const anonymousId = await laptop.anonymousId();
    await laptop.eval(`omnikit.track('After Withdrawal')`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await storedEvents({ anonymousId })).map((e) => e.event)).to.not.include('After Withdrawal');

    // The shop can show when and how: the server's receipts list the grant and the withdrawal.
    const answer = await fetch(`${backend.url}/v1/profiles/${USER}/consent`, {
      headers: { Authorization: `Bearer ${TEST_SERVER_KEY}` },
    });
    const { current, receipts } = (await answer.json()) as ConsentAnswer;
    expect(current.analytics.granted).to.equal(false);
    const analytics = receipts.filter((receipt) => receipt.category === 'analytics');
    // Each device may have recorded the grant at its sign-in; the withdrawal comes last.
    expect(analytics[0].granted).to.equal(true);
    expect(analytics.at(-1)?.granted).to.equal(false);
    expect(analytics.filter((receipt) => !receipt.granted)).to.have.length(1);
    expect(analytics.every((receipt) => receipt.channel === 'web')).to.equal(true);
    // Each receipt names the privacy policy the page showed when the choice was made.
    expect(receipts.every((receipt) => receipt.policy === POLICY)).to.equal(true);
  });
});
