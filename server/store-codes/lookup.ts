import type { Handler } from 'hono';
import type { ProtocolDeps } from '../deps.ts';
import { foundCode } from './found.ts';
import { storeView } from './view.ts';

/** `POST /v1/store/lookup` (staff): what the customer showing the code has in their cart, read-only. */
export function storeLookupHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { code } = await foundCode(context, deps);
    return context.json(await storeView(deps, code));
  };
}
