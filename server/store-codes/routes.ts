import type { Hono, MiddlewareHandler } from 'hono';
import { createStoreCodeHandler } from './create.ts';
import { storeLookupHandler } from './lookup.ts';
import { storeSaleHandler } from './sale.ts';
import type { StoreDeps } from './sale-event.ts';

/**
 * "My cart in store" (protocol §4): a device makes a code (`POST /v1/store-codes`); staff read the
 * customer's cart with it (`POST /v1/store/lookup`) and complete the sale (`POST /v1/store/sales`).
 */
export function mountStoreRoutes(app: Hono, deps: StoreDeps, beforeHandlers: MiddlewareHandler[]): void {
  const routes = [
    ['/v1/store-codes', createStoreCodeHandler(deps)],
    ['/v1/store/lookup', storeLookupHandler(deps)],
    ['/v1/store/sales', storeSaleHandler(deps)],
  ] as const;
  for (const [path, handler] of routes) for (const step of [...beforeHandlers, handler]) app.post(path, step);
}
