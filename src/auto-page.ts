/**
 * Calls `onRoute(previousUrl)` when a single-page app changes route: `pushState`, `replaceState`
 * (the router's own calls) and `popstate` (back/forward). Only a new path or query counts: a
 * replaceState that keeps the URL, or a `#section` jump, is not a page view.
 */
export function watchRoutes(onRoute: (previousUrl: string) => void): void {
  let url = location.href;
  const check = () => {
    const previous = url;
    url = location.href;
    // Only a new path or query string is a route; after a #fragment jump, the route keeps its URL.
    if (url.split('#')[0] === previous.split('#')[0]) url = previous;
    else onRoute(previous);
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      // After the router has rendered, so the title belongs to the new page.
      setTimeout(check);
    };
  }
  addEventListener('popstate', () => setTimeout(check));
}
