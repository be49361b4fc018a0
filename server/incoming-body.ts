import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The Node request behind a Hono context, when its body can be read straight from it: served by
 * @hono/node-server over HTTP/1 (`c.env.incoming`), nothing read from it yet, and no body buffered
 * by a host framework (`rawBody`, which Hono's own Request serves). Anything else (Hono's
 * `app.request()`, another runtime, HTTP/2) reads through the web Request, as before.
 *
 * Why bother: reading `c.req.raw.body` makes @hono/node-server build a full Request, an
 * AbortController and a web ReadableStream over the Node stream for every request; the chunks then
 * cross two stream implementations. Reading the Node stream is the same bytes for a fraction of that.
 */
export function readableIncoming(context: Context): IncomingMessage | undefined {
  const incoming = (context.env as { incoming?: unknown } | undefined)?.incoming;
  if (!(incoming instanceof IncomingMessage)) return undefined;
  if (incoming.readableDidRead || incoming.destroyed || 'rawBody' in incoming) return undefined;
  return incoming;
}

/**
 * Reads `incoming`'s body, counting the real bytes as they arrive: a chunked body has no
 * Content-Length to trust. Past `maxBytes` it stops reading and rejects with `tooLarge()`; the rest
 * of the body is left to @hono/node-server, which drains a bounded amount after the answer so the
 * client can read it. A client that goes away before the end rejects with the stream's error.
 */
export function readIncoming(
  incoming: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      incoming.pause();
      settle(() => reject(tooLarge()));
    };
    const onEnd = () => settle(() => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    const onError = (error: Error) => settle(() => reject(error));
    // 'close' before 'end': the connection went away mid-body.
    const onClose = () => {
      if (!incoming.readableEnded)
        onError(new Error('The client closed the connection before the body ended'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
