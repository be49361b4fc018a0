import type { HttpBindings } from '@hono/node-server';
import type { Handler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { authenticate } from './auth.ts';
import type { ProtocolDeps } from './deps.ts';
import type { StreamConnection } from './stream-hub.ts';

/** Default interval of `: ping` comments: under the idle timeout of common proxies (often 30-60 s). */
export const DEFAULT_STREAM_PING_MS = 15_000;

/** Data of an `event: changed` message. */
export interface StreamChanged {
  cursor: string;
}

/**
 * `GET /v1/stream` (Bearer): server-sent events telling the device to sync. The events carry no
 * document data, only a nudge, so the stream needs no replay: the client syncs after reconnecting.
 */
export function streamHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const { device } = await authenticate(c, deps);
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
    // Tells nginx-like proxies not to buffer the response: an event held back is an event lost.
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
      const connection: StreamConnection = {
        deviceId: device.id,
        profileId: device.profileId,
        notify(cursor) {
          const data: StreamChanged = { cursor };
          void stream.writeSSE({ event: 'changed', data: JSON.stringify(data) });
        },
        signal(event, data) {
          void stream.writeSSE({ event, data: JSON.stringify(data) });
        },
        end: close,
        cut() {
          // Without Node's socket (another adapter) aborting the body is the closest thing.
          if (socket) socket.destroy();
          else stream.abort();
          close();
        },
      };
      // Registered before the response head leaves, so a change right after the client sees the
      // stream open is heard.
      remove = deps.hub.add(connection);
      deps.stats.recordStreamOpened();
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
