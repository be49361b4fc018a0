// Blocked storage: with IndexedDB unavailable (missing, failing, or full), tracking works for the
// page's life, with one warning.
import { expect } from '@open-wc/testing';
import {
  backend,
  openDevice,
  resetBackend,
  SDK_MODULE,
  storedEvents,
  waitFor,
  writeKeys,
} from './helpers.ts';

// Run in the page before Omnikit loads, so the SDK meets the broken storage from the start.
const BREAKERS = {
  missing: `Object.defineProperty(window, 'indexedDB', { value: undefined })`,
  // Opens fine, but every write fails as it does when the disk quota is used up.
  full: `IDBObjectStore.prototype.put = function () {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  }`,
  failing: `IDBFactory.prototype.open = function () {
    const request = {};
    setTimeout(() => { request.error = new DOMException('denied', 'InvalidStateError'); request.onerror?.(); });
    return request;
  }`,
};

describe('tracking without IndexedDB', () => {
  beforeEach(resetBackend);

  for (const [kind, breaker] of Object.entries(BREAKERS)) {
    it(`works in memory when IndexedDB is ${kind}, with a single warning`, async () => {
      const page = await openDevice('/test/fixtures/blank.html');
      await page.eval(`(async () => {
        ${breaker};
        window.warnings = [];
        const warn = console.warn;
        console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
        const { createOmnikit } = await ${SDK_MODULE};
        const config = { writeKey: '${writeKeys.test}', endpoint: '${backend.url}', autoPage: false, flushInterval: 20 };
        window.omnikit = createOmnikit(config);
        window.errors = [];
        omnikit.on('error', (e) => errors.push(e.code));
      })()`);
      await page.eval(`for (let n = 0; n < 5; n++) omnikit.track('Memory Only', { n })`);
      const anonymousId = await page.eval<string>('omnikit.ready().then(() => omnikit.anonymousId())');
      await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 5);
      await page.eval(`omnikit.track('More', { n: 5 })`);
      await waitFor(async () => (await storedEvents({ anonymousId, type: 'track' })).length === 6);
      const warnings = await page.eval<string[]>('warnings');
      expect(warnings.filter((w) => /IndexedDB/.test(w))).to.have.length(1);
      expect(await page.eval<string[]>('errors')).to.deep.equal(['storage_unavailable']);
      await page.close();
    });
  }
});
