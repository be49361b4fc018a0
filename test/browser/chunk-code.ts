// What tests of a lazily loaded chunk check on a page: which of its files were fetched, and that
// nothing was thrown into the page when they could not be.
import type { Tab } from './helpers.ts';

/** URLs the page fetched that match `pattern` (a RegExp source): the chunk's files, in either build. */
export const fetchedCode = (page: Tab, pattern: string) =>
  page.eval<string[]>(
    `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => new RegExp(${JSON.stringify(pattern)}).test(n))`,
  );

/** Starts collecting what reaches the page as an uncaught error or rejection (see `thrown`). */
export const watchThrown = (page: Tab) =>
  page.eval(`window.__thrown = [];
    addEventListener('error', (e) => __thrown.push(String(e.message)));
    addEventListener('unhandledrejection', (e) => __thrown.push(String(e.reason)))`);

/** What was thrown into the page since `watchThrown`. */
export const thrown = (page: Tab) => page.eval<string[]>('__thrown');
