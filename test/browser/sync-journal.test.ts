// The journal (localStorage) keeps a document write until IndexedDB has it, so a navigation right
// after a change cannot lose it. Whatever another script or an older build left under its key, the
// journal keeps working: what is not a list of records is dropped, and the next write is journaled.
import { expect } from '@open-wc/testing';
import { forgetDevice } from './device-storage.ts';
import { resetBackend, storedRecords, waitFor, writeKeys } from './helpers.ts';
import { openClient } from './sdk.ts';

const JOURNAL = `omnikit-journal:${writeKeys.test}`;
const RUNNER = { productId: 'runner', name: 'Runner', price: 59.9, currency: 'EUR' };
const HLC = /^[0-9a-z]{9}-[0-9a-z]{3}-[\w-]{8}$/;

/** What can be found under the journal's key: valid JSON, but not a list of records. */
const LEFT_OVER = {
  'not JSON': '{oops',
  'an object': '{}',
  'a string': '"records"',
  'a list holding null': '[null]',
  'a list of numbers': '[1, 2]',
  'a record without a key': '[{"doc":"cart","hlc":"000000001-000-aaaaaaaa"}]',
  'a record with a numeric doc': '[{"doc":7,"key":"k","hlc":"000000001-000-aaaaaaaa"}]',
};

describe('the sync journal', () => {
  beforeEach(async () => {
    await resetBackend();
    await forgetDevice();
  });

  for (const [what, value] of Object.entries(LEFT_OVER))
    it(`journals a write when its key held ${what}, and nothing is lost`, async () => {
      localStorage.setItem(JOURNAL, value);
      const page = await openClient({ retryBaseDelay: 50 }, { tab: true });
      await page.eval('omnikit.cart.items()'); // starts the documents
      await waitFor(
        async () => (await page.eval(`localStorage.getItem(${JSON.stringify(JOURNAL)})`)) !== value,
        {
          message: 'the left-over value read and written back',
        },
      );
      // The write and the journal, in one task: the journal holds it before IndexedDB does.
      const journaled = (await page.eval(
        `(omnikit.cart.add(${JSON.stringify(RUNNER)}), JSON.parse(localStorage.getItem(${JSON.stringify(JOURNAL)})))`,
      )) as { doc: string; key: string; hlc: string }[];
      expect(journaled.map((r) => [r.doc, r.key])).to.deep.equal([['cart', 'runner|']]);
      expect(journaled[0].hlc).to.match(HLC);
      await waitFor(async () => (await storedRecords()).some((r) => r.key === 'runner|'), {
        message: 'the line synced',
      });
      expect(await page.errors()).to.deep.equal([]);
      await page.close();
    });
});
