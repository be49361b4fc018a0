import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** One open server-sent-events response, as a hub drives it. */
export interface OpenStream {
  /** Writes `event: <event>` with `data` as JSON. */
  send(event: string, data: unknown): void;
  /** Writes `event: <event>` with data already JSON (one message sent to many streams). */
  sendJson(event: string, json: string): void;
  /** Ends the response cleanly (server shutdown, revoked device). */
  end(): void;
  /** Kills the TCP connection without a goodbye, as a proxy cutting it would. */
  cut(): void;
}

/**
 * Ends (`end`) or cuts (`cut`) every one of `connections` (a hub's, at shutdown or in a fault
 * test); returns how many there were. A copy is walked: each one leaves the hub as it closes.
 */
export function closeAll(connections: Iterable<Pick<OpenStream, 'end' | 'cut'>>, how: 'end' | 'cut'): number {
  const open = [...connections];
  for (const connection of open) connection[how]();
  return open.length;
}

/**
 * Answers with a stream that stays open until the client leaves or `end()`/`cut()` is called, with a
 * `: ping` comment every `pingMs`. `register` hands the stream to its hub and returns its removal;
 * it runs before the response head leaves, so an event right after the client sees the stream open
 * is heard. The device stream (`GET /v1/stream`) and the agent stream share this.
 */
export function eventStream(context: Context, pingMs: number, register: (stream: OpenStream) => () => void) {
  const socket = (context.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
  // Tells nginx-like proxies not to buffer the response: an event held back is an event lost.
  context.header('X-Accel-Buffering', 'no');
  return streamSSE(context, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let remove = () => {};
    const close = () => {
      remove();
      finish();
    };
    remove = register({
      send(event, data) {
        void stream.writeSSE({ event, data: JSON.stringify(data) });
      },
      sendJson(event, json) {
        void stream.writeSSE({ event, data: json });
      },
      end: close,
      cut() {
        // Without Node's socket (another adapter) aborting the body is the closest thing.
        if (socket) socket.destroy();
        else stream.abort();
        close();
      },
    });
    stream.onAbort(close);
    context.req.raw.signal.addEventListener('abort', close, { once: true });
    const ping = setInterval(() => void stream.write(': ping\n\n'), pingMs);
    try {
      await stream.write(': connected\n\n');
      await finished;
    } finally {
      clearInterval(ping);
      close();
    }
  });
}
