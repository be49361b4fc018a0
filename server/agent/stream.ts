import type { Handler } from 'hono';
import type { ProtocolDeps } from '../deps.ts';
import { eventStream } from '../sse.ts';
import { authenticateAgent } from './auth.ts';

/**
 * `GET /v1/agent/stream` (agent key): `event: message` `{profileId}` when a conversation changes,
 * `event: typing` `{profileId, typing}` when a customer types, `: ping` comments between. Like the
 * device stream it carries no history: after a reconnect the console fetches the list again.
 */
export function agentStreamHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = authenticateAgent(context, deps);
    const release = deps.limits.openAgentStream(site.id);
    return eventStream(context, deps.streamPingMs, (stream) => {
      const remove = deps.agents.add({ siteId: site.id, ...stream });
      return () => {
        remove();
        release();
      };
    });
  };
}
