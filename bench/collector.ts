/**
 * The local collector every SDK sends to: a node:http server on 127.0.0.1 answering 200 `{}` with
 * CORS to every method and path (Segment /v1/t, RudderStack /v1/track, PostHog /e/ and /flags/,
 * Snowplow /com.snowplowanalytics.snowplow/tp2, Omnikit /v1/batch...), except the paths in
 * `answers`, for SDKs that need more than `{}` to count a request as accepted (Amplitude).
 *
 * It counts what arrives: requests, CORS preflights, bytes on the wire (request line, headers and
 * body as sent, compressed or not), and the benchmark events, recognised by the marker
 * `bk-<n>-kb` each one carries in its properties (bodies are gunzipped / base64-decoded first).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Counts {
  requests: number;
  preflights: number;
  bytes: number;
  /** Distinct benchmark events received. */
  events: Set<number>;
  /** Benchmark events received, copies included. */
  copies: number;
  /** Requests per path, for checking what an SDK talks to. */
  paths: Map<string, number>;
  lastAt: number;
}

/** Why waiting ended: everything arrived, all went quiet, or time ran out. */
export type Settled = 'all' | 'quiet' | 'max';

export interface Collector {
  url: string;
  counts: Counts;
  reset(): void;
  /**
   * Waits until `expected` events arrived, or nothing arrived for `quietMs` (while `busy`, when
   * given, kept answering false), or `maxMs` passed.
   */
  settle(expected: number, quietMs: number, maxMs: number, busy?: () => Promise<boolean>): Promise<Settled>;
  close(): Promise<void>;
}

const MARKER = /bk-(\d+)-kb/g;
const fresh = (): Counts => ({
  requests: 0,
  preflights: 0,
  bytes: 0,
  events: new Set(),
  copies: 0,
  paths: new Map(),
  lastAt: Date.now(),
});

/** The body as text: gzip undone, PostHog-style `data=<base64>` forms decoded. */
export function decodeBody(body: Buffer): string {
  let text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString('utf8') : body.toString('utf8');
  if (text.startsWith('data=')) {
    const data = new URLSearchParams(text).get('data') ?? '';
    text = Buffer.from(data, 'base64').toString('utf8');
  }
  return text;
}

function headerBytes(req: IncomingMessage): number {
  let bytes = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n\r\n`.length;
  for (let index = 0; index < req.rawHeaders.length; index += 2)
    bytes += req.rawHeaders[index].length + req.rawHeaders[index + 1].length + 4;
  return bytes;
}

export async function startCollector(answers: Record<string, unknown> = {}): Promise<Collector> {
  let counts = fresh();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      counts.lastAt = Date.now();
      counts.bytes += headerBytes(req) + body.length;
      if (req.method === 'OPTIONS') counts.preflights++;
      else counts.requests++;
      const path = (req.url ?? '/').split('?')[0];
      counts.paths.set(path, (counts.paths.get(path) ?? 0) + 1);
      if (body.length > 0) {
        let text = '';
        try {
          text = decodeBody(body);
        } catch {}
        for (const match of text.matchAll(MARKER)) {
          counts.events.add(Number(match[1]));
          counts.copies++;
        }
      }
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Access-Control-Allow-Origin': req.headers.origin ?? '*',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '86400',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        Vary: 'Origin',
      });
      res.end(JSON.stringify(answers[path] ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get counts() {
      return counts;
    },
    reset: () => {
      counts = fresh();
    },
    settle: async (expected, quietMs, maxMs, busy) => {
      const start = Date.now();
      let activeAt = start;
      while (Date.now() - start < maxMs) {
        if (counts.events.size >= expected) return 'all';
        if (busy && (await busy())) activeAt = Date.now();
        if (Date.now() - Math.max(counts.lastAt, activeAt) > quietMs) return 'quiet';
        await new Promise((resolve) => setTimeout(resolve, busy ? 250 : 50));
      }
      return 'max';
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
