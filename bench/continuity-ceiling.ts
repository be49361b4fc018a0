/**
 * The machine's ceiling for the cross-device bench: the least a change can take from one page to
 * another through a server on this machine, with this Chromium. A bare Node server relays page A's
 * POST (a Bearer header, as the SDK's push has) to page B's open event stream, read with fetch as
 * the SDK reads its own; nothing is stored, checked or merged, and no SDK runs. What the real path
 * takes beyond this is Omnikit's: the SDK on both sides, the server's checks, merge and fsync.
 *
 * Each sample: A's stamp before its fetch, B's stamp when the chunk arrives, on the pages' own clocks
 * (one Chromium on one machine, as in continuity.ts). A's round trip is kept too: a bare fetch's cost.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';

export interface CeilingResult {
  /** ms from A's fetch until B's stream had the message, in the order measured. */
  relayed: number[];
  /** ms of A's fetch round trip (request sent until its answer was read). */
  roundTrips: number[];
}

const PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head></html>';

/** Page B: reads the stream and stamps each message; `heard()` answers the next stamp. */
const LISTEN = `(url) => {
  const now = () => performance.timeOrigin + performance.now();
  const heard = [];
  let waiting;
  window.__heard = () => (heard.length ? Promise.resolve(heard.shift()) : new Promise((r) => (waiting = r)));
  return fetch(url, { headers: { Authorization: 'Bearer ceiling' }, credentials: 'omit' }).then((response) => {
    const reader = response.body.getReader();
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (!new TextDecoder().decode(value).includes('event: changed')) continue;
        const at = now();
        if (waiting) { waiting(at); waiting = undefined; } else heard.push(at);
      }
    })();
  });
}`;

/** Page A: one push; answers its stamp before the fetch and the fetch's round trip. */
const PUSH = `async ([url, n]) => {
  const start = performance.timeOrigin + performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: 'Bearer ceiling' },
    body: JSON.stringify({ push: [{ doc: 'cart', key: 'p' + n, value: { qty: n } }] }),
    credentials: 'omit',
  });
  await response.text();
  return [start, performance.timeOrigin + performance.now() - start];
}`;

export async function continuityCeiling(browser: Browser, samples: number): Promise<CeilingResult> {
  const streams = new Set<ServerResponse>();
  const relay = createServer((request, response) => answer(request, response, streams));
  const pages = createServer((_, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  const [relayUrl, origin] = await Promise.all([listen(relay), listen(pages)]);
  try {
    const [deviceA, deviceB] = await Promise.all(
      [0, 1].map(async () => {
        const page = await (await browser.newContext()).newPage();
        await page.goto(origin);
        return page;
      }),
    );
    await deviceB.evaluate(`(${LISTEN})(${JSON.stringify(`${relayUrl}/stream`)})`);
    const result: CeilingResult = { relayed: [], roundTrips: [] };
    for (let n = 0; n < samples + 3; n++) {
      const heard = deviceB.evaluate<number>('window.__heard()');
      const [start, roundTrip] = await deviceA.evaluate<[number, number]>(
        `(${PUSH})(${JSON.stringify([`${relayUrl}/push`, n])})`,
      );
      const at = await heard;
      // The first pushes warm up the connections and the preflight cache.
      if (n >= 3) {
        result.relayed.push(at - start);
        result.roundTrips.push(roundTrip);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all([deviceA.context().close(), deviceB.context().close()]);
    return result;
  } finally {
    for (const stream of streams) stream.end();
    await Promise.all([close(relay), close(pages)]);
  }
}

/** The relay: CORS as the reference server answers it, a stream per GET, a message per POST. */
function answer(request: IncomingMessage, response: ServerResponse, streams: Set<ServerResponse>): void {
  const origin = request.headers.origin ?? '*';
  if (request.method === 'OPTIONS') {
    response.writeHead(204, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? 'Authorization',
      'Access-Control-Max-Age': '86400',
      Vary: 'Origin, Access-Control-Request-Headers',
    });
    response.end();
    return;
  }
  const cors = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (request.method === 'GET') {
    response.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write(': connected\n\n');
    streams.add(response);
    request.on('close', () => streams.delete(response));
    return;
  }
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk;
  });
  request.on('end', () => {
    for (const stream of streams) stream.write(`event: changed\ndata: ${body}\n\n`);
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
    response.end('{}');
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
