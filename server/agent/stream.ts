import type { Handler } from 'hono';
import { requireStaff } from '../console/require-staff.ts';
import { watchSession } from '../console/session-watch.ts';
import type { ProtocolDeps } from '../deps.ts';
import { eventStream } from '../sse.ts';

/**
 * `GET /v1/agent/stream` (agent key or console session): `event: message` `{profileId}` when a
 * conversation changes, `event: typing` `{profileId, typing}` when a customer types, `: ping`
 * comments between. Like the device stream it carries no history: after a reconnect the console
 * fetches the list again. A stream opened with a session ends when the session does (checked at
 * each ping).
 */
export function agentStreamHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = await requireStaff(context, deps, 'agent');
    const release = deps.limits.openAgentStream(site.id);
    return eventStream(context, deps.streamPingMs, (stream) => {
      const remove = deps.agents.add({ siteId: site.id, ...stream });
      const unwatch = watchSession(context, deps, 'agent', deps.streamPingMs, stream.end);
      return () => {
        unwatch();
        remove();
        release();
      };
    });
  };
}
