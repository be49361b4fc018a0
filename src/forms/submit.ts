/**
 * Calls `done` when a submit the page handled itself (it called preventDefault, as fetch-submitting
 * SPAs do) succeeded: the first fetch or XHR the page started while handling it (the submit's task
 * and its microtasks, up to `until`; Omnikit's own start from timers) answered 2xx. Read from Resource
 * Timing's `responseStatus`, so nothing of the page's is wrapped; anything else (a 4xx, no request,
 * a request started later, a browser without `responseStatus`) keeps the draft: call `complete()`.
 * Chromium reports a fetch answered `Cache-Control: no-store` only once the page read its body.
 */
export function confirm(submit: Event, until: number, done: () => void): void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[])
      if (
        /^(fetch|xmlh)/.test(entry.initiatorType) && // fetch, xmlhttprequest
        entry.startTime >= submit.timeStamp &&
        entry.startTime <= until
      ) {
        observer.disconnect();
        if (entry.responseStatus > 199 && entry.responseStatus < 300) done();
        return;
      }
  });
  // Buffered: a fast answer may be in before this observer is.
  observer.observe({ type: 'resource', buffered: true });
  setTimeout(() => observer.disconnect(), 60_000);
}
