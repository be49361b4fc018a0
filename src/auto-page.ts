/**
 * Calls `onRoute(previousUrl)` when a single-page app changes route: `pushState`, `replaceState`
 * (the router's own calls) and `popstate` (back/forward). Only a new path or query counts: a
 * replaceState that keeps the URL, or a `#section` jump, is not a page view.
 */
export function watchRoutes(onRoute: (previousUrl: string) => void): void {
  const routeOf = () => location.pathname + location.search;
  let route = routeOf();
  let url = location.href;
  const check = () => {
    if (routeOf() === route) return;
    const previous = url;
    route = routeOf();
    url = location.href;
    onRoute(previous);
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
