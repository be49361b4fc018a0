// Test-side client of the device protocol (§2–§4): plain fetch over loopback, as a browser would.
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { StreamChanged } from '../../../src/protocol/index.ts';
import { SHOP_SECRET } from '../helpers.ts';

/** A registered device, as the tests use it. */
export interface TestDevice {
  deviceId: string;
  token: string;
  profileId: string;
}

/** A record as pushed and pulled. */
export interface WireRecord {
  doc: string;
  key: string;
  value: unknown;
  hlc: string;
  deleted?: boolean;
}

/** Body of a sync answer. */
export interface SyncBody {
  records: Required<WireRecord>[];
  cursor: string;
  profileId: string;
  more: boolean;
  rejected: { hlc: string | null; code: string; message: string }[];
  reset?: boolean;
}

/** Calls an endpoint with a JSON body and, when given, the device token. */
export function api(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** Registers a device of the shop (or of `writeKey`'s site). */
export async function register(
  baseUrl: string,
  anonymousId = 'anon-test',
  writeKey = 'shop-key',
): Promise<TestDevice> {
  const res = await api(baseUrl, 'POST', '/v1/devices', { body: { writeKey, anonymousId } });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return (await res.json()) as TestDevice;
}

/** `hex(HMAC-SHA256(secret, userId))`, as the site's own server computes it. */
export function userHash(userId: string, secret = SHOP_SECRET): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

/** Identifies a device with a correct hash; returns the answer body. */
export async function identify(baseUrl: string, device: TestDevice, userId: string) {
  const res = await api(baseUrl, 'POST', '/v1/identify', {
    token: device.token,
    body: { userId, userHash: userHash(userId) },
  });
  if (res.status !== 200) throw new Error(`identify: ${res.status} ${await res.text()}`);
  return (await res.json()) as {
    profileId: string;
    userId: string;
    previousProfileId: string;
    wasAnonymous: boolean;
  };
}

/** POST /v1/sync; throws unless 200. */
export async function sync(
  baseUrl: string,
  device: TestDevice,
  push: WireRecord[] = [],
  cursor = '',
): Promise<SyncBody> {
  const res = await api(baseUrl, 'POST', '/v1/sync', { token: device.token, body: { push, cursor } });
  if (res.status !== 200) throw new Error(`sync: ${res.status} ${await res.text()}`);
  return (await res.json()) as SyncBody;
}

/** An HLC string: base36 ms (9) - base36 counter (3) - replica. */
export function hlc(ms: number, counter = 0, replica = 'replica1'): string {
  return `${ms.toString(36).padStart(9, '0')}-${counter.toString(36).padStart(3, '0')}-${replica}`;
}

/** A cart line record. */
export function line(key: string, qty: number, at: number, replica = 'replica1'): WireRecord {
  return { doc: 'cart', key, value: { qty }, hlc: hlc(at, 0, replica) };
}

/** One server-sent message: an event with data, or a comment (`: ping`). */
export interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Reads GET /v1/stream message by message. Built on node:http rather than fetch: undici takes a
 * chunked body cut short on a `Connection: close` response for a clean end, while `complete` tells
 * a clean end (terminating chunk received) from a cut connection.
 */
export class SseReader {
  readonly #response: IncomingMessage;
  #buffer = '';
  #queue: SseMessage[] = [];
  #waiting: (() => void) | null = null;
  /** How the stream ended: 'end' (clean), 'error' (cut), or null while open. */
  ended: 'end' | 'error' | null = null;
  /** Resolves when the stream ends, either way. */
  readonly done: Promise<'end' | 'error'>;

  constructor(response: IncomingMessage) {
    this.#response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let split = this.#buffer.indexOf('\n\n');
      while (split !== -1) {
        this.#queue.push(parse(this.#buffer.slice(0, split)));
        this.#buffer = this.#buffer.slice(split + 2);
        split = this.#buffer.indexOf('\n\n');
      }
      this.#wake();
    });
    this.done = new Promise((resolve) => {
      response.on('error', () => {});
      response.on('close', () => {
        this.ended = response.complete ? 'end' : 'error';
        this.#wake();
        resolve(this.ended);
      });
    });
  }

  /** Response headers (lower-case names). */
  get headers(): IncomingHttpHeaders {
    return this.#response.headers;
  }

  /** The next message matching `filter` (default: any), or an error after `timeoutMs`. */
  async next(filter: (message: SseMessage) => boolean = () => true, timeoutMs = 2000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#queue.findIndex(filter);
      if (index !== -1) return this.#queue.splice(index, 1)[0];
      if (this.ended) throw new Error(`stream ended (${this.ended}) before the expected message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching stream message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next `changed` event's data. */
  async changed(timeoutMs?: number): Promise<StreamChanged> {
    const message = await this.next((candidate) => candidate.event === 'changed', timeoutMs);
    return JSON.parse(message.data ?? '') as StreamChanged;
  }

  /** Messages received and not yet taken. */
  pending(): SseMessage[] {
    return [...this.#queue];
  }

  /** Closes the client side. */
  async cancel(): Promise<void> {
    if (!this.ended) this.#response.destroy();
    await this.done;
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }
}

function parse(block: string): SseMessage {
  const message: SseMessage = {};
  for (const text of block.split('\n')) {
    if (text.startsWith(':')) message.comment = text.slice(1).trim();
    else if (text.startsWith('event:')) message.event = text.slice(6).trim();
    else if (text.startsWith('data:')) {
      message.data = (message.data ? `${message.data}\n` : '') + text.slice(5).trim();
    }
  }
  return message;
}

/** Opens GET /v1/stream for a device; throws unless 200. */
export function openStream(baseUrl: string, device: TestDevice): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/v1/stream`, { headers: { Authorization: `Bearer ${device.token}` } });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode === 200) return resolve(new SseReader(res));
      res.resume();
      reject(new Error(`stream: ${res.statusCode}`));
    });
    req.end();
  });
}

/** Waits until `check()` is true, polling (for server-side state that settles asynchronously). */
export async function until(check: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
