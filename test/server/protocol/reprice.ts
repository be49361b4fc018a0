import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { serverHlcAfter } from '../../../server/catalog.ts';
import type { Catalog, CatalogLookup, Site } from '../../../server/index.ts';
import { type Harness, SITES, startServer, TEST_NOW } from '../helpers.ts';
import { hlc, identify, register, sync, type TestDevice, type WireRecord } from './client.ts';

const T = TEST_NOW;
const CATALOG: Catalog = {
  tee: { price: 19.9, currency: 'EUR' },
  'runner-42': { price: 59.9, currency: 'EUR' },
  runner: { price: 49.9, currency: 'EUR' },
  mug: { price: 14, currency: 'EUR', available: false },
};
const shop: Site = { ...SITES[0], catalog: CATALOG };

/** A cart line record as the SDK writes it (src/cart/line.ts): key = line id, value = the line. */
const cartLine = (key: string, value: Record<string, unknown>, at = T, replica = 'phone'): WireRecord => ({
  doc: 'cart',
  key,
  value: { name: key, qty: 2, ...value },
  hlc: hlc(at, 0, replica),
});

describe('cart lines checked against the catalog (§3)', () => {
  let h: Harness;
  let phone: TestDevice;
  before(async () => {
    h = await startServer({ sites: [shop, SITES[1]] });
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.store.reset();
    phone = await register(h.url, 'phone');
  });

  /** Pushes one line; answers what came back for its key in the same response. */
  const pushLine = async (record: WireRecord) => {
    const answer = await sync(h.url, phone, [record]);
    return answer.records.filter((r) => r.key === record.key);
  };

  it('flags a line of an unknown product "unavailable", and keeps it and its quantity', async () => {
    const pushed = cartLine('ghost|', { productId: 'ghost', price: 5 });
    const [back] = await pushLine(pushed);
    assert.deepEqual(back.value, { ...(pushed.value as object), warning: 'unavailable' });
    assert.ok(back.hlc > pushed.hlc, 'the correction wins the merge');
    assert.match(back.hlc, /^[0-9a-z]{9}-[0-9a-z]{3}-server$/);
    assert.equal(back.deleted, false);
    // An id that only Object.prototype knows is unknown too.
    const [inherited] = await pushLine(cartLine('constructor|', { productId: 'constructor', price: 1 }));
    assert.equal((inherited.value as { warning?: string }).warning, 'unavailable');
  });

  it('flags a line of a product no longer sold "unavailable", price untouched', async () => {
    const [back] = await pushLine(cartLine('mug|', { productId: 'mug', price: 12, currency: 'EUR' }));
    assert.deepEqual(back.value, {
      name: 'mug|',
      productId: 'mug',
      price: 12,
      currency: 'EUR',
      qty: 2,
      warning: 'unavailable',
    });
  });

  it('reprices a line to the catalog price and currency, with "price_changed"', async () => {
    const pushed = cartLine('tee|color=red', {
      productId: 'tee',
      price: 9.9,
      currency: 'USD',
      options: { color: 'red' },
    });
    const [back] = await pushLine(pushed);
    assert.deepEqual(back.value, {
      name: 'tee|color=red',
      productId: 'tee',
      price: 19.9,
      currency: 'EUR',
      options: { color: 'red' },
      qty: 2,
      warning: 'price_changed',
    });
  });

  it("prices a variant by its own entry, else by its product's", async () => {
    const own = await pushLine(
      cartLine('runner-42|', { productId: 'runner', variantId: 'runner-42', price: 49.9 }),
    );
    assert.equal((own[0].value as { price: number }).price, 59.9);
    const fallback = await pushLine(
      cartLine('runner-43|', { productId: 'runner', variantId: 'runner-43', price: 49.9 }),
    );
    assert.deepEqual(
      fallback.map((r) => r.hlc),
      [hlc(T, 0, 'phone')],
      'priced right by the product entry',
    );
  });

  it('leaves alone a line that matches (to the half cent), a flagged line, and a tombstone', async () => {
    const lines = [
      cartLine('tee|', { productId: 'tee', price: 19.9, currency: 'EUR' }),
      cartLine('tee|size=m', { productId: 'tee', price: 19.904 }),
      cartLine('mug|', { productId: 'mug', price: 12, warning: 'unavailable' }),
      { doc: 'cart', key: 'ghost|', value: null, hlc: hlc(T), deleted: true },
      { doc: 'cart', key: 'not-a-line', value: { qty: 1 }, hlc: hlc(T) },
    ];
    const answer = await sync(h.url, phone, lines);
    assert.deepEqual(
      answer.records.map((r) => [r.key, r.hlc]),
      lines.map((r) => [r.key, r.hlc]),
      'every record stored as pushed, none rewritten',
    );
  });

  it('does not loop: pushing the corrected line back (a new quantity) changes nothing more', async () => {
    const [corrected] = await pushLine(cartLine('tee|', { productId: 'tee', price: 9.9 }));
    const edited = {
      ...corrected,
      value: { ...(corrected.value as object), qty: 5 },
      hlc: hlc(T + 10, 0, 'phone'),
    };
    const back = await pushLine(edited);
    assert.deepEqual(back, [{ ...edited, deleted: false }]);
  });

  it('other devices of the profile get the corrected line too', async () => {
    const laptop = await register(h.url, 'laptop');
    await identify(h.url, phone, 'ada');
    await identify(h.url, laptop, 'ada');
    await pushLine(cartLine('tee|', { productId: 'tee', price: 1 }));
    const { records } = await sync(h.url, laptop);
    assert.deepEqual(
      records.map((r) => (r.value as { warning?: string }).warning),
      ['price_changed'],
    );
  });
});

describe('the catalog hook of createServer', () => {
  it('replaces the config catalog, is asked for the ids of the pushed lines, and may leave a site unpriced', async () => {
    const asked: [string, string[]][] = [];
    const catalog: CatalogLookup = async (site, ids) => {
      asked.push([site.id, ids]);
      return site.id === 'shop' ? { tee: { price: 25 } } : undefined;
    };
    const h = await startServer({ catalog });
    try {
      const phone = await register(h.url, 'phone');
      const answer = await sync(h.url, phone, [
        cartLine('tee-m|', { productId: 'tee', variantId: 'tee-m', price: 19.9, currency: 'EUR' }),
        { doc: 'form:checkout', key: 'email', value: 'a@example.com', hlc: hlc(T) },
      ]);
      assert.deepEqual(asked, [['shop', ['tee-m', 'tee']]], 'only cart lines are looked up');
      assert.deepEqual(answer.records.find((r) => r.key === 'tee-m|')?.value, {
        name: 'tee-m|',
        productId: 'tee',
        variantId: 'tee-m',
        price: 25,
        currency: 'EUR',
        qty: 2,
        warning: 'price_changed',
      });
      const blog = await register(h.url, 'reader', 'blog-key');
      const pushed = cartLine('tee|', { productId: 'tee', price: 1 });
      assert.deepEqual((await sync(h.url, blog, [pushed])).records, [{ ...pushed, deleted: false }]);
    } finally {
      await h.close();
    }
  });

  it('a failing lookup does not block the sync: the lines merge as pushed', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const h = await startServer({
      catalog: () => {
        throw new Error('pricing service down');
      },
    });
    try {
      const phone = await register(h.url, 'phone');
      const pushed = cartLine('tee|', { productId: 'tee', price: 1 });
      assert.deepEqual((await sync(h.url, phone, [pushed])).records, [{ ...pushed, deleted: false }]);
      assert.equal(logged.mock.callCount(), 1);
    } finally {
      await h.close();
    }
  });
});

describe('the HLC of a correction', () => {
  const at = (counter: number, replica: string) => hlc(T, counter, replica);
  it("sorts just after the pushed record and before the device's own next write", () => {
    for (const replica of ['aBc', 'phone', 'serve', 'server2', 'x-y_z', 'Z', 'zzz']) {
      const pushed = at(7, replica);
      const correction = serverHlcAfter(pushed);
      const nextWrite = at(8, replica);
      assert.ok(pushed < correction && correction < nextWrite, `${pushed} < ${correction} < ${nextWrite}`);
      assert.match(correction, /^[0-9a-z]{9}-[0-9a-z]{3}-server$/);
    }
  });

  it('takes the next millisecond when the counter is full', () => {
    const full = hlc(T, 36 ** 3 - 1, 'zzz');
    assert.equal(serverHlcAfter(full), hlc(T + 1, 0, 'server'));
  });
});

describe('a correction never overwrites a newer write', () => {
  it('lands only while the record it corrects is still the stored one', async () => {
    const h = await startServer();
    try {
      const pushed = { doc: 'cart', key: 'tee|', value: { qty: 1 }, hlc: hlc(T, 0, 'alpha'), deleted: false };
      const newer = { ...pushed, value: { qty: 4 }, hlc: hlc(T, 0, 'beta') }; // between pushed and the fix
      const fix = {
        record: { ...pushed, value: { qty: 1, warning: 'x' }, hlc: serverHlcAfter(pushed.hlc) },
        replaces: pushed.hlc,
      };
      assert.ok(pushed.hlc < newer.hlc && newer.hlc < fix.record.hlc);
      await h.store.mergeRecords('shop', 'p1', [pushed, newer], [fix]);
      const stored = await h.store.recordsSince('shop', 'p1', 0, 10);
      assert.deepEqual(stored.records, [newer]);
    } finally {
      await h.close();
    }
  });
});
