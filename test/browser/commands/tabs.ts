// Extra Playwright pages driven from a test: "tabs" share the calling test's browser context (same
// storage, like another tab of the same site); "devices" get a new context (empty storage).
import type { TestRunnerPlugin } from '@web/test-runner';
import type { BrowserContext, Page } from 'playwright-core';
import type { CommandPayloads, SentRequest } from './protocol.ts';
import { sessionPage } from './session-page.ts';

type Visibility = 'hidden' | 'visible';

interface Tab {
  page: Page;
  /** Every request the page made (across reloads and navigations), for asserting on what left it. */
  requests: SentRequest[];
  /** The test page that opened it. */
  owner: Page;
  /** Set for devices: the context is theirs alone and closes with them. */
  ownContext?: BrowserContext;
}

const CLOSE_TIMEOUT_MS = 10_000;

export function tabsPlugin(): TestRunnerPlugin {
  const tabs = new Map<string, Tab>();
  const watched = new WeakSet<Page>();
  let nextId = 1;

  const get = (id: string): Tab => {
    const tab = tabs.get(id);
    if (!tab || tab.page.isClosed()) throw new Error(`No open tab "${id}".`);
    return tab;
  };

  const closeTab = async (id: string, runBeforeUnload = false) => {
    const tab = tabs.get(id);
    tabs.delete(id);
    if (!tab) return;
    if (!tab.page.isClosed()) {
      if (runBeforeUnload) {
        // A beforeunload prompt would keep the tab open: answer it like a user who confirms leaving.
        tab.page.on(
          'dialog',
          (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()),
        );
        // close({runBeforeUnload}) returns before the page is gone; wait for the real close.
        await Promise.all([
          tab.page.waitForEvent('close', { timeout: CLOSE_TIMEOUT_MS }),
          tab.page.close({ runBeforeUnload: true }),
        ]);
      } else {
        await tab.page.close();
      }
    }
    await tab.ownContext?.close();
  };

  const open = async (owner: Page, url: string, newDevice: boolean): Promise<string> => {
    // Nothing outlives its test: close what a test opened when its own page goes away.
    if (!watched.has(owner)) {
      watched.add(owner);
      owner.once('close', () => {
        for (const [id, tab] of tabs) if (tab.owner === owner) void closeTab(id).catch(() => {});
      });
    }
    let ownContext: BrowserContext | undefined;
    if (newDevice) {
      const browser = owner.context().browser();
      if (!browser) throw new Error('device-open: the test page has no browser.');
      ownContext = await browser.newContext();
    }
    const page = await (ownContext ?? owner.context()).newPage();
    const id = `${newDevice ? 'device' : 'tab'}-${nextId++}`;
    const requests: SentRequest[] = [];
    page.on('request', (request) =>
      requests.push({ url: request.url(), method: request.method(), body: request.postData() }),
    );
    tabs.set(id, { page, ownContext, owner, requests });
    try {
      await page.goto(url, { waitUntil: 'load' });
    } catch (error) {
      await closeTab(id);
      throw error;
    }
    return id;
  };

  return {
    name: 'omnikit-tabs',
    async executeCommand({ command, payload, session }) {
      switch (command) {
        case 'tab-open':
        case 'device-open': {
          const { url } = payload as CommandPayloads['tab-open'];
          return open(sessionPage(session), url, command === 'device-open');
        }
        case 'tab-eval': {
          const { id, expression } = payload as CommandPayloads['tab-eval'];
          // Wrapped so that `undefined` survives (wtr treats a null result as "command not handled"),
          // and page errors come back as data instead of a stack trace in the runner's log.
          try {
            return { value: await get(id).page.evaluate(expression) };
          } catch (error) {
            return { error: error instanceof Error ? error.message : String(error) };
          }
        }
        case 'tab-act': {
          // Real input, as a customer makes it: trusted events, focus, keystrokes.
          const { id, action, selector, value } = payload as CommandPayloads['tab-act'];
          const { page } = get(id);
          if (action === 'fill') await page.fill(selector, `${value}`);
          else if (action === 'select') await page.selectOption(selector, value ?? null);
          else if (action === 'press') await page.press(selector, `${value}`);
          else await page[action](selector);
          return true;
        }
        case 'tab-requests':
          return get((payload as CommandPayloads['tab-requests']).id).requests;
        case 'tab-block': {
          const { id, pattern, hold } = payload as CommandPayloads['tab-block'];
          // A held route is never continued, fulfilled or aborted: the request hangs.
          await get(id).page.route(new RegExp(pattern), (route) => (hold ? undefined : route.abort()));
          return true;
        }
        case 'tab-unblock': {
          const { id, pattern } = payload as CommandPayloads['tab-unblock'];
          await get(id).page.unroute(new RegExp(pattern));
          return true;
        }
        case 'tab-reload': {
          const { id } = payload as CommandPayloads['tab-reload'];
          await get(id).page.reload({ waitUntil: 'load' });
          return true;
        }
        case 'tab-close': {
          const { id, runBeforeUnload } = payload as CommandPayloads['tab-close'];
          await closeTab(id, runBeforeUnload);
          return true;
        }
        case 'tab-hide':
        case 'tab-show': {
          const { id } = payload as CommandPayloads['tab-hide'];
          const state: Visibility = command === 'tab-hide' ? 'hidden' : 'visible';
          await get(id).page.evaluate(emulateVisibility(state));
          return true;
        }
        case 'tab-viewport': {
          // A phone-sized window, say, for layouts that change with the screen.
          const { id, width, height } = payload as CommandPayloads['tab-viewport'];
          await get(id).page.setViewportSize({ width, height });
          return true;
        }
        case 'tab-screenshot': {
          // For a person checking a layout: OMNIKIT_WTR_SHOTS=dir saves them there, else nothing.
          const { id, name } = payload as CommandPayloads['tab-screenshot'];
          const dir = process.env.OMNIKIT_WTR_SHOTS;
          if (dir) await get(id).page.screenshot({ path: `${dir}/${name.replace(/[^\w-]/g, '_')}.png` });
          return true;
        }
        case 'tab-picture': {
          const { id, selector } = payload as CommandPayloads['tab-picture'];
          return (await get(id).page.locator(selector).screenshot()).toString('base64');
        }
        case 'tab-upload': {
          const { id, selector, name, mimeType, base64 } = payload as CommandPayloads['tab-upload'];
          await get(id).page.setInputFiles(selector, {
            name,
            mimeType,
            buffer: Buffer.from(base64, 'base64'),
          });
          return true;
        }
        default:
          return undefined;
      }
    },
  };
}

/**
 * Headless Chromium keeps every page 'visible' whatever we do (bringToFront, a tab in the same window,
 * minimising the window, Page.setWebLifecycleState, focus emulation: all measured, no change), so
 * visibility is emulated: the document reports the state and gets a real `visibilitychange`. Lasts
 * until the page navigates or reloads. A string, not a function: tsx's keepNames would inject __name().
 */
function emulateVisibility(state: Visibility): string {
  return `(() => {
    const state = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  })()`;
}
