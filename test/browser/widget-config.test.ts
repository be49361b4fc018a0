// The widget gets its own options object: `widget: true` is the defaults, `widget: {…}` is exactly its
// config, and a script tag's `data-widget-*` attributes map into it. Nothing else in the client's
// config (or on the script tag) leaks into the widget.
import { expect } from '@open-wc/testing';
import { resetBackend } from './helpers.ts';
import { openClient, pagePool } from './sdk.ts';
import { FAST, type WidgetPage, withWidget } from './widget-page.ts';

const DEFAULT_TITLE = 'Chat with us';
const DEFAULT_BRAND = 'rgb(36, 84, 214)'; // #2454d6

/** The panel's heading and the launcher's colour, once the panel is open. */
async function looks(page: WidgetPage) {
  await page.openPanel();
  return page.eval<{ title: string; launcher: string; z: string }>(`(() => {
    const root = document.querySelector('omnikit-widget').shadowRoot;
    return {
      title: root.querySelector('#omnikit-title').textContent,
      launcher: getComputedStyle(root.querySelector('button')).backgroundColor,
      z: getComputedStyle(root.querySelector('button')).zIndex,
    };
  })()`);
}

describe('widget config', function () {
  this.timeout(40_000);
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  it('widget: true shows the defaults; options beside it in the config do not leak in', async () => {
    const page = withWidget(
      await pool.open({ ...FAST, widget: true, title: 'Leaked', color: '#ff0000', zIndex: 7 }),
    );
    expect(await looks(page)).to.deep.equal({
      title: DEFAULT_TITLE,
      launcher: DEFAULT_BRAND,
      z: '2147483000',
    });
    expect(await page.errors()).to.deep.equal([]);
  });

  it('widget: {…} is exactly the widget config', async () => {
    const page = withWidget(
      await pool.open({
        ...FAST,
        widget: JSON.stringify({ title: 'Ask the shop', color: '#0a6b2e', zIndex: 7 }),
        title: 'Leaked',
      }),
    );
    expect(await looks(page)).to.deep.equal({ title: 'Ask the shop', launcher: 'rgb(10, 107, 46)', z: '7' });
  });

  it('maps a script tag’s data-widget-* attributes into it, and nothing else of the tag', async () => {
    const page = withWidget(
      await pool.open(
        {
          'data-widget': '',
          'data-widget-title': 'Ask the shop',
          'data-widget-color': '#0a6b2e',
          'data-widget-z-index': '7',
          'data-title': 'Leaked',
          'data-color': '#ff0000',
        },
        { fixture: 'script-tag' },
      ),
    );
    expect(await looks(page)).to.deep.equal({ title: 'Ask the shop', launcher: 'rgb(10, 107, 46)', z: '7' });
  });

  it('shows no widget for data-widget="false"', async () => {
    const page = await openClient(
      { 'data-widget': 'false', 'data-widget-title': 'Hidden' },
      { fixture: 'script-tag' },
    );
    pool.keep(page);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await page.eval(`!!document.querySelector('omnikit-widget')`)).to.equal(false);
  });
});
