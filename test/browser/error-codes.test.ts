// Error codes mean one thing each: every code is a row of the README's table and is made to happen,
// and asserted, by a test (here, or in the file named in TESTED_IN). A backend that is down or
// unreachable is not a refusal: what is retried is not reported at all, a one-off call that could
// not be made is `backend_unavailable`, and only a refusal for good is `delivery_rejected`.
import { expect } from '@open-wc/testing';
import { createOmnikit, type ErrorCode, type OmnikitError } from '../../src/index.ts';
import { fault, resetBackend, storedEvents, storedRecords, userHashOf, waitFor } from './helpers.ts';
import { type ClientPage, pagePool } from './sdk.ts';

/** The test file that makes each code happen and asserts it; tsc fails when a code is missing here. */
const TESTED_IN: Record<ErrorCode, string> = {
  invalid_config: 'error-codes.test.ts',
  invalid_argument: 'bad-input.test.ts',
  invalid_value: 'bad-input.test.ts',
  event_too_large: 'bad-input.test.ts',
  value_too_large: 'error-codes.test.ts',
  storage_unavailable: 'storage-blocked.test.ts',
  outbox_overflow: 'batching.test.ts',
  queue_overflow: 'error-codes.test.ts',
  delivery_rejected: 'faults.test.ts',
  backend_unavailable: 'error-codes.test.ts',
  plan_violation: 'plan-track.test.ts',
  plan_unavailable: 'plan-track.test.ts',
  internal: 'forms.test.ts',
};

const FAST = { flushInterval: 20, retryBaseDelay: 50, retryMaxDelay: 300 };
const codesOf = async (page: ClientPage) => (await page.errors()).map((e) => e.code);

describe('error codes', function () {
  this.timeout(30_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(async () => {
    await fault.clear();
    await pool.closeAll();
  });

  it('are each one row of the README table, and each asserted by a test', async () => {
    const readme = await (await fetch('/README.md')).text();
    const section = readme.split('### Error codes')[1]?.split(/\n##/)[0] ?? '';
    const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map(([, code]) => code);
    expect(documented.slice().sort()).to.deep.equal(Object.keys(TESTED_IN).sort());
    expect(new Set(documented).size).to.equal(documented.length);
    for (const [code, file] of Object.entries(TESTED_IN)) {
      // (Served compiled: esbuild may have turned the quotes into double ones.)
      const source = await (await fetch(`/test/browser/${file}`)).text();
      expect(source, `${file} asserts ${code}`).to.match(new RegExp(`['"]${code}['"]`));
    }
  });

  it('invalid_config: a config that cannot work, said at once (never a throw)', async () => {
    const errors: OmnikitError[] = [];
    const warn = console.warn;
    console.warn = () => {};
    try {
      // Pending consent: this client in the test's own page stores nothing.
      const broken = createOmnikit({ writeKey: '', consent: 'pending', autoPage: false });
      broken.on('error', (error) => errors.push(error));
      broken.track('Nowhere');
      await new Promise((resolve) => setTimeout(resolve));
    } finally {
      console.warn = warn;
    }
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid_config', 'invalid_config']);
    expect(errors.map((e) => e.message).join('\n'))
      .to.match(/writeKey/)
      .and.match(/no destination/);
  });

  it('value_too_large: a synced value over 16 KB is not written (not event_too_large)', async () => {
    const page = await pool.open(FAST);
    await page.eval(`omnikit.cart.add({ productId: 'tee', name: 'x'.repeat(17_000), price: 1 })`);
    expect(await codesOf(page)).to.deep.equal(['value_too_large']);
    expect((await page.errors())[0].message).to.match(/16 KB/);
    expect(await page.eval('omnikit.cart.items()')).to.deep.equal([]);
    // The cart goes on working.
    await page.eval(`omnikit.cart.add({ productId: 'tee', name: 'Tee', price: 1 })`);
    await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart' && r.key === 'tee|'), {
      message: 'the next line is synced',
    });
  });

  it('queue_overflow: over 1,000 calls waiting in memory (not outbox_overflow), reported once', async () => {
    const page = await pool.open({ ...FAST, consent: 'pending' });
    await page.eval(`for (let n = 0; n < 1005; n++) omnikit.track('Waited', { n })`);
    await page.eval(`for (let n = 1005; n < 1010; n++) omnikit.track('Waited', { n })`);
    expect(await codesOf(page)).to.deep.equal(['queue_overflow']);
    expect((await page.errors())[0].message).to.match(/1000 calls waiting/);
    // The newest 1,000 are sent once consent is granted; the 10 oldest were dropped.
    await page.call('consent.grant');
    const anonymousId = await page.anonymousId();
    const events = await waitFor(
      async () => {
        const stored = await storedEvents({ anonymousId, type: 'track' });
        return stored.length === 1000 && stored;
      },
      { timeout: 15_000 },
    );
    const numbers = events.map((e) => (e.body.properties as { n: number }).n).sort((a, b) => a - b);
    expect([numbers[0], numbers[999]]).to.deep.equal([10, 1009]);
    expect(await codesOf(page)).to.deep.equal(['queue_overflow']);
  });

  it('reports nothing while delivery is retried: events and synced changes wait through 5xx and dropped connections', async () => {
    const page = await pool.open(FAST);
    const anonymousId = await page.anonymousId();
    const delivered = (name: string) =>
      waitFor(async () => (await storedEvents({ anonymousId })).some((e) => e.event === name), {
        message: `${name} delivered`,
      });
    await fault.fail(4, 503);
    await page.call('track', 'Through 503s');
    await page.eval(`omnikit.cart.add({ productId: 'cap', name: 'Cap', price: 5 })`);
    await delivered('Through 503s');
    await delivered('Product Added');
    await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart' && r.key === 'cap|'), {
      message: 'the cart line synced',
    });
    await fault.drop(7);
    await page.call('track', 'Through Drops');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fault.clear();
    await delivered('Through Drops');
    expect(await page.errors()).to.deep.equal([]);
  });

  it('backend_unavailable: a one-off call the backend could not answer (5xx, network); delivery_rejected: one it refused', async () => {
    const page = await pool.open(FAST);
    await page.eval(`omnikit.cart.add({ productId: 'cap', name: 'Cap', price: 5 })`);
    await waitFor(async () => (await storedRecords()).some((r) => r.doc === 'cart'), {
      message: 'the device is registered',
    });

    await fault.fail(1, 503, {}, '/v1/handoff');
    expect(await page.eval('omnikit.handoff.create()')).to.deep.equal({ problem: 'unavailable' });
    await fault.drop(7, { path: '/v1/handoff' });
    expect(await page.eval('omnikit.handoff.create()')).to.deep.equal({ problem: 'unavailable' });
    await fault.clear();
    expect(await page.errors()).to.have.length(2);
    const [failed, unreachable] = await page.errors();
    expect(failed).to.deep.equal({ code: 'backend_unavailable', message: 'handoff: 503 injected_fault' });
    expect(unreachable.code).to.equal('backend_unavailable');
    // No answer is said as such, not as a status 0 (the browser's words follow).
    expect(unreachable.message).to.match(/^handoff: no answer \(.+\)$/);
    expect(await page.eval('omnikit.handoff.create().then((made) => !!made?.url)')).to.equal(true);

    // A link the backend refuses for good (a hash that does not sign the user id) is a rejection.
    await fault.fail(1, 503, {}, '/v1/identify');
    await page.eval(`omnikit.identify('mei', {}, { userHash: ${JSON.stringify(await userHashOf('mei'))} })`);
    await waitFor(async () => (await page.errors()).length === 3, { message: 'the failed link reported' });
    await page.eval(`omnikit.identify('kai', {}, { userHash: 'not-a-signature' })`);
    await waitFor(async () => (await page.errors()).length === 4, { message: 'the refusal reported' });
    expect((await page.errors()).slice(2)).to.deep.equal([
      { code: 'backend_unavailable', message: 'identify: 503 injected_fault' },
      { code: 'delivery_rejected', message: 'identify: 403 invalid_user_hash' },
    ]);
  });
});
