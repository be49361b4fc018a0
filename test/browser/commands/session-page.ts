import type { BasicTestSession } from '@web/test-runner';
import type { Page } from 'playwright-core';

interface PageSource {
  getPage(sessionId: string): Page;
}

/** The Playwright page running the calling test file (only the Playwright launcher exposes it). */
export function sessionPage(session: BasicTestSession): Page {
  const launcher = session.browser as unknown as Partial<PageSource>;
  if (typeof launcher.getPage !== 'function') {
    throw new Error(`This command needs the Playwright launcher, not "${session.browser.name}".`);
  }
  return launcher.getPage(session.id);
}
