// `context-offline`: takes the calling test's browser context (its page and every tab) off the network.
//
// Not Playwright's context.setOffline(): that also cuts the test page's own WebSocket to the test runner,
// so no further command (not even "back online") ever arrives. Instead, per page over CDP: every request
// fails as offline except the runner's control channel on the dev server, and navigator.onLine plus the
// online/offline events follow.
import type { TestRunnerPlugin } from '@web/test-runner';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { CommandPayloads } from './protocol.ts';
import { sessionPage } from './session-page.ts';

interface ContextState {
  offline: boolean;
  /** host:port of the dev server, whose control channel stays up. */
  runnerHost: string;
  sessions: Map<Page, CDPSession>;
}

const ONLINE = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

export function networkPlugin(): TestRunnerPlugin {
  const states = new WeakMap<BrowserContext, ContextState>();

  const apply = async (state: ContextState, page: Page, context: BrowserContext) => {
    let cdp = state.sessions.get(page);
    if (!cdp) {
      // Emulation lives as long as the CDP session, so keep one per page.
      cdp = await context.newCDPSession(page);
      state.sessions.set(page, cdp);
      page.once('close', () => state.sessions.delete(page));
    }
    const control = [`ws://${state.runnerHost}/wds`, `http://${state.runnerHost}/__web-test-runner__/*`];
    await cdp.send('Network.emulateNetworkConditionsByRule', {
      // First match wins: the control channel stays online, everything else follows `offline`.
      matchedNetworkConditions: [
        ...control.map((urlPattern) => ({ urlPattern, ...ONLINE, offline: false })),
        { urlPattern: '', ...ONLINE, offline: state.offline },
      ],
    });
    await cdp.send('Network.overrideNetworkState', { ...ONLINE, offline: state.offline });
  };

  const stateOf = (testPage: Page): ContextState => {
    const context = testPage.context();
    let state = states.get(context);
    if (!state) {
      const created: ContextState = {
        offline: false,
        runnerHost: new URL(testPage.url()).host,
        sessions: new Map(),
      };
      // Tabs opened later in this context inherit the current state.
      context.on('page', (page) => {
        if (created.offline) void apply(created, page, context).catch(() => {});
      });
      states.set(context, created);
      state = created;
    }
    return state;
  };

  return {
    name: 'omnikit-network',
    async executeCommand({ command, payload, session }) {
      if (command !== 'context-offline') return undefined;
      const { offline } = payload as CommandPayloads['context-offline'];
      const testPage = sessionPage(session);
      const state = stateOf(testPage);
      state.offline = Boolean(offline);
      const context = testPage.context();
      await Promise.all(context.pages().map((page) => apply(state, page, context)));
      return true;
    },
  };
}
