import type { HttpBindings } from '@hono/node-server';
import type { Handler } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ProtocolDeps } from '../deps.ts';
import { authenticateAgent } from './auth.ts';
import type { AgentConnection } from './hub.ts';

/**
 * `GET /v1/agent/stream` (agent key): `event: message` `{profileId}` when a conversation changes,
 * `event: typing` `{profileId, typing}` when a customer types, `: ping` comments between. Like the
 * device stream it carries no history: after a reconnect the console fetches the list again.
 */
export function agentStreamHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const site = authenticateAgent(c, deps.sites);
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      let remove = () => {};
      const close = () => {
        remove();
        finish();
      };
      const connection: AgentConnection = {
        siteId: site.id,
        send(event, data) {
          void stream.writeSSE({ event, data: JSON.stringify(data) });
        },
        end: close,
        cut() {
          if (socket) socket.destroy();
          else stream.abort();
          close();
        },
      };
      remove = deps.agents.add(connection);
      stream.onAbort(close);
      c.req.raw.signal.addEventListener('abort', close, { once: true });
      const ping = setInterval(() => void stream.write(': ping\n\n'), deps.streamPingMs);
      try {
        await stream.write(': connected\n\n');
        await finished;
      } finally {
        clearInterval(ping);
        close();
      }
    });
  };
}
