import type { Handler } from 'hono';
import { authenticate } from './auth.ts';
import type { ProtocolDeps } from './deps.ts';
import { eventStream } from './sse.ts';

/** Default interval of `: ping` comments: under the idle timeout of common proxies (often 30-60 s). */
export const DEFAULT_STREAM_PING_MS = 15_000;

/**
 * `GET /v1/stream` (Bearer): server-sent events telling the device what changed: the records
 * themselves when they fit, else a nudge to sync. The stream needs no replay: the client syncs after
 * reconnecting, and whenever a message does not follow its cursor.
 */
export function streamHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    // Places taken now, so a refusal is a 429 before the stream's 200 head; given back on close.
    const release = deps.limits.openStream(site.id, device.id, deps.limits.client(context));
    return eventStream(context, deps.streamPingMs, ({ send, sendJson, end, cut }) => {
      const remove = deps.hub.add({
        deviceId: device.id,
        profileId: device.profileId,
        notify: (json) => sendJson('changed', json),
        signal: send,
        end,
        cut,
      });
      deps.stats.recordStreamOpened();
      return () => {
        remove();
        release();
      };
    });
  };
}
