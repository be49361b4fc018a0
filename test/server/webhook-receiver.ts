// A real webhook receiver for the tests: a node:http server on a loopback port whose behaviour a
// test switches (answer 2xx, answer 500, drop the connection, be down), keeping every request it got.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../server/index.ts';

/**
 * What the receiver does with the next requests: answer 204, answer 500, drop the connection,
 * answer 500 with a body that never ends (until the client goes), or answer 429 with Retry-After: 30.
 */
export type ReceiverMode = 'ok' | 'fail' | 'drop' | 'endless' | 'busy';

/** One request as it arrived. */
export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  /** What the receiver did with it. */
  answered: ReceiverMode;
}

export interface Receiver {
  url: string;
  mode: ReceiverMode;
  /** Milliseconds it waits before answering (default 0). */
  delayMs: number;
  received: Received[];
  /** The messageIds of the requests answered 2xx, in order. */
  delivered(): string[];
  /** Closes the port (connections are refused); `up()` opens it again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver answering 2xx (mode `ok`). */
export async function startReceiver(path = '/hooks/omnikit'): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  const receiver: Receiver = {
    url: '',
    mode: 'ok',
    delayMs: 0,
    received: [],
    delivered: () =>
      receiver.received
        .filter((request) => request.answered === 'ok')
        .map((request) => String(request.headers['omnikit-event-id'])),
    down: () => stop(),
    up: () => start(),
    close: () => stop(),
  };
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const mode = receiver.mode;
          receiver.received.push({
            headers: request.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            answered: mode,
          });
          setTimeout(() => {
            if (mode === 'drop') request.socket.destroy();
            else if (mode === 'fail') response.writeHead(500).end('receiver is failing');
            else if (mode === 'endless') endless(response);
            else if (mode === 'busy') response.writeHead(429, { 'Retry-After': '30' }).end();
            else response.writeHead(204).end();
          }, receiver.delayMs);
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        receiver.url = `http://127.0.0.1:${port}${path}`;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server?.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await start();
  return receiver;
}

/** Answers 500 with a body that goes on until the client closes the connection. */
function endless(response: ServerResponse): void {
  response.writeHead(500, { 'Content-Type': 'text/plain' });
  const chunk = `${'an endless answer '.repeat(1000)}\n`;
  const more = () => {
    while (!response.destroyed && response.write(chunk)) {}
    if (!response.destroyed) response.once('drain', more);
  };
  response.on('close', () => response.removeAllListeners('drain'));
  more();
}

/** Whether a request is signed with `secret` at the time `nowMs`, within the default tolerance. */
export function signedBy(request: Received, secret: string, nowMs: number): boolean {
  return verifyWebhook(secret, request.headers['omnikit-signature'] as string, request.body, { now: nowMs });
}

/** Polls `check` until it holds (every 20 ms), or fails after `timeoutMs` with `what`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
