// Events fan out to every destination; one failing destination neither blocks nor duplicates the others.
import { expect } from '@open-wc/testing';
import {
  backend,
  openDevice,
  resetBackend,
  SDK_MODULE,
  stats,
  storedEvents,
  type Tab,
  waitFor,
  writeKeys,
} from './helpers.ts';

const N = 12;

/** A page whose client sends to the Omnikit endpoint plus the destinations built by `extra` (page JS). */
async function clientWith(extra: string): Promise<Tab> {
  const page = await openDevice('/test/fixtures/blank.html');
  await page.eval(`(async () => {
    const { createOmnikit, segmentDestination } = await ${SDK_MODULE};
    const backend = '${backend.url}';
    window.omnikit = createOmnikit({
      writeKey: '${writeKeys.test}', endpoint: backend, autoPage: false, flushInterval: 20,
      retryBaseDelay: 50, retryMaxDelay: 200, destinations: ${extra},
    });
    window.errors = [];
    omnikit.on('error', (e) => errors.push(e));
    await omnikit.ready();
  })()`);
  return page;
}

describe('several destinations', () => {
  beforeEach(resetBackend);

  it('deliver each event once to each destination (Omnikit protocol and Segment-compatible)', async () => {
    // Both point at the same store, so the second copy of each event shows up as a duplicate.
    const page = await clientWith(`[segmentDestination('${writeKeys.test}', backend)]`);
    await page.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Fan Out', { n })`);
    await waitFor(async () => (await stats()).received === 2 * N, { message: 'both destinations delivered' });
    expect(await stats()).to.include({ inserted: N, duplicates: N });
    await page.close();
  });

  it('keep delivering to healthy destinations while one fails, without duplicates', async () => {
    const page = await clientWith(`[
      segmentDestination('${writeKeys.locked}', backend, 'refusing'),
      { name: 'down', send: async () => { window.downCalls = (window.downCalls ?? 0) + 1; return { ok: false, retry: true, status: 503, message: 'down' }; } },
    ]`);
    await page.eval(`for (let n = 0; n < ${N}; n++) omnikit.track('Partly Down', { n })`);
    const anonymousId = await page.eval<string>('omnikit.anonymousId()');
    await waitFor(async () => (await storedEvents({ anonymousId })).length === N);
    await waitFor(() => page.eval<number>('window.downCalls ?? 0').then((calls) => calls >= 2));
    const errors = await waitFor(async () => {
      const all = await page.eval<{ code: string; message: string }[]>('errors');
      return all.length && all;
    });
    // The site refuses the origin for good (403): reported and dropped, never retried.
    expect(errors.map((e) => e.code)).to.deep.equal(['delivery_rejected']);
    expect(errors[0].message).to.match(/refusing.*403/);
    expect((await stats()).duplicates).to.equal(0);
    await page.close();
  });
});
