// A chunk may use the core's internal properties: marked in the source (`sync._call`), they carry the
// short name mangle.json pins in every build, so a chunk built apart from the core (the script tag's
// omnikit-handoff.js, the npm build's omnikit-handoff.mjs) meets the same names as the core it is
// loaded into. Run `npm run build` first: this file loads dist/.
import { expect } from '@open-wc/testing';
import { openDevice, resetBackend } from './helpers.ts';
import { cartOf, pagePool, wrap } from './sdk.ts';

const js = JSON.stringify;

describe('a chunk built apart from the core', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  for (const [build, file] of [
    ['dist', '/dist/omnikit-handoff.js'],
    ['npm', '/dist/omnikit-handoff.mjs'],
  ] as const) {
    it(`calls the core through a mapped internal property (${build} build)`, async () => {
      const map = await (await fetch('/mangle.json')).json();
      const code = await (await fetch(file)).text();
      // The handoff chunk calls the sync engine's `_call` by its pinned short name. (A string: this
      // file is compiled with the map too, and `map.internal._call` would be renamed.)
      const marked = '_call';
      expect(code).to.include(`.${map.internal[marked]}(`);
      expect(code).not.to.include(marked);

      // And so the flow works: a link made on the phone through the chunk, claimed on the laptop.
      const phone = await pool.open({ build, flushInterval: 50, retryBaseDelay: 50 });
      await phone.eval(`omnikit.cart.add(${js({ productId: 'tea', name: 'Tea', price: 4, quantity: 2 })})`);
      const made = await phone.eval<{ url: string }>('omnikit.handoff.create()');
      expect(made?.url).to.match(/#omnikit-handoff=/);
      const laptop = await wrap(pool.keep(await openDevice(made.url)));
      expect(
        await laptop.eval(`omnikit.handoff.incoming().then((h) => h && h.claim().then(() => h.summary))`),
      ).to.deep.equal({ cart: { lines: 1, quantity: 2 } });
      expect(await cartOf(laptop)).to.deep.equal([['tea|', 2]]);
      expect(await phone.errors()).to.deep.equal([]);
    });
  }
});
