import type { Handler } from 'hono';
import { authenticate } from '../auth.ts';
import { readJsonObject } from '../body.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/**
 * `POST /v1/chat/typing` (device Bearer), body `{typing}`: tells the site's agents that the customer
 * of this device's profile is (not) typing. Ephemeral: nothing is stored. Signals over the device's
 * rate limit are dropped without an error: a lost "typing" costs nothing, and a 429 would only make a
 * client retry what is already stale.
 */
export function customerTypingHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device } = await authenticate(context, deps);
    const { typing } = await readJsonObject(context);
    if (typeof typing !== 'boolean') throw new ApiError(400, 'invalid_typing', '"typing" must be a boolean');
    if (deps.limits.allows(device.siteId, 'typing', device.id))
      deps.agents.typing(device.siteId, device.profileId, typing);
    return context.body(null, 204);
  };
}
