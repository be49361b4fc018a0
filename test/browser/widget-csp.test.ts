// The widget under a strict CSP: the widget on a page whose Content-Security-Policy forbids inline scripts and
// styles (served by web-test-runner.config.mjs at /test/csp, a nonce for scripts, no 'unsafe-inline').
// The script tag loads the panel chunk with its nonce; styles come from constructable stylesheets.
import { expect } from '@open-wc/testing';
import { openDevice, resetBackend, waitFor } from './helpers.ts';
import { pagePool, wrap } from './sdk.ts';
import { withWidget } from './widget-page.ts';

describe('widget under a strict CSP', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('loads, styles and runs the panel with no CSP violation', async () => {
    const page = withWidget(await wrap(pool.keep(await openDevice('/test/csp'))));
    await page.openPanel();
    await page.send('Hello from a strict page');
    await waitFor(async () => (await page.shown()).length === 1);
    const look = await page.eval<Record<string, string>>(`(() => {
      const root = document.querySelector('omnikit-widget').shadowRoot;
      const s = (sel) => getComputedStyle(root.querySelector(sel));
      return {
        launcher: s('button').backgroundColor,
        position: s('.panel').position,
        header: s('header').backgroundColor,
        message: s('.log li.customer').color,
        chunk: [...document.scripts].some((x) => x.src.endsWith('/omnikit-widget.js') && x.nonce) + '',
      };
    })()`);
    expect(look).to.deep.equal({
      launcher: 'rgb(10, 107, 46)', // data-widget-color, through a stylesheet
      position: 'fixed',
      header: 'rgb(10, 107, 46)',
      message: 'rgb(255, 255, 255)',
      chunk: 'true',
    });
    // The cart and the QR code render too.
    await page.act('click', 'omnikit-widget >> nav button:nth-child(3)');
    await page.act('click', 'omnikit-widget >> .body button');
    await waitFor(() =>
      page.eval(`!!document.querySelector('omnikit-widget').shadowRoot.querySelector('svg.qr path')`),
    );
    expect(await page.eval('__violations')).to.deep.equal([]);
    expect(await page.errors()).to.deep.equal([]);
  });

  it('the same page without the nonce on the chunk would be refused (the check can fail)', async () => {
    const page = await wrap(pool.keep(await openDevice('/test/csp')));
    await page.eval(`new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/dist/omnikit-widget.js?again';
      s.onerror = resolve;
      s.onload = resolve;
      document.head.append(s);
    })`);
    await waitFor(async () => (await page.eval<string[]>('__violations')).length > 0);
    expect((await page.eval<string[]>('__violations'))[0]).to.match(/^script-src/);
  });
});
