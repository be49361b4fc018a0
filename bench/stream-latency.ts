/**
 * Push-to-stream latency at the HTTP level, without a browser: how long after device A's
 * `POST /v1/sync` (a cart change) device B's open `GET /v1/stream` carries the `changed` event.
 * Both devices belong to one verified profile (registered through /v1/devices, linked by
 * /v1/identify with the `userHash` the site's server would sign). A may talk to one server process
 * and B to another on the same database: then the event only reaches B if the processes fan stream
 * notifications out to each other, so a change B does not hear within HEARD_WITHIN_MS ends the
 * measurement with the count heard so far, instead of hanging (none heard: no cross-process fan-out).
 *
 * One clock: the push and the event's arrival are both stamped in this process. A few warm-up
 * changes go first (not counted), then the changes one at a time, PAUSE_MS apart.
 */
import { randomUUID } from 'node:crypto';
import { userHashOf } from '../server/index.ts';
import { sdkPost } from './sdk-post.ts';

const WRITE_KEY = 'bench-write-key';
const WARMUP = 3;
const PAUSE_MS = 50;
/** Longer than any healthy fan-out (the two-process tests allow 1 s), short enough to stay cheap. */
export const HEARD_WITHIN_MS = 2_000;

export interface StreamLatency {
  /** ms from A's push until B's stream carried `changed`, for the changes heard, in order. */
  times: number[];
  /** Changes attempted after the warm-up (times.length < changes: one was not heard). */
  changes: number;
  /** Warm-up changes heard: 0 means B never heard A at all. */
  warmupHeard: number;
}

interface Device {
  url: string;
  token: string;
}

/** sdkPost, answering its JSON body; throws on any answer but a 2xx. */
async function post<T>(url: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await sdkPost(url, path, body, token);
  if (!response.ok) throw new Error(`POST /v1/${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A device registered on `url` and signed in there as `userId`; returns it with its profile. */
async function signedInDevice(url: string, secret: string, userId: string) {
  const { token } = await post<{ token: string }>(url, 'devices', {
    writeKey: WRITE_KEY,
    anonymousId: randomUUID(),
  });
  const { profileId } = await post<{ profileId: string }>(
    url,
    'identify',
    { userId, userHash: userHashOf(secret, userId) },
    token,
  );
  return { device: { url, token } satisfies Device, profileId };
}

/** `changed` events of an open stream, each with the moment it arrived (performance.now()). */
interface Heard {
  cursor: string;
  at: number;
}

/**
 * Opens B's `/v1/stream` and collects its `changed` events into `heard`, waking `onEvent` on each.
 * Resolves once the response head arrived: the server registers the stream before it sends the
 * head, so a change pushed after that is one the stream should carry.
 */
async function openStream(device: Device, heard: Heard[], onEvent: () => void, signal: AbortSignal) {
  const response = await fetch(`${device.url}/v1/stream`, {
    headers: { authorization: `Bearer ${device.token}` },
    signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`GET /v1/stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        const at = performance.now();
        buffer += chunk.value;
        for (let split = buffer.indexOf('\n\n'); split !== -1; split = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const data = /^data:(.*)$/m.exec(block)?.[1];
          if (/^event:\s*changed$/m.test(block) && data)
            heard.push({ cursor: (JSON.parse(data) as { cursor: string }).cursor, at });
        }
        onEvent();
      }
    } catch {
      // Aborted at the end of the measurement.
    }
  })();
}

/**
 * A pushes one cart change; resolves with the ms until B's stream carried a `changed` with a cursor
 * it had not carried before, or null when none came within HEARD_WITHIN_MS.
 */
async function oneChange(a: Device, change: number, stream: { heard: Heard[]; next: () => Promise<void> }) {
  const seen = new Set(stream.heard.map((event) => event.cursor));
  const started = performance.now();
  const push = [{ doc: 'cart', key: `sku-${change % 5}|`, value: { qty: change + 1 }, hlc: hlcOf(change) }];
  const pushed = post(a.url, 'sync', { push, cursor: '' }, a.token);
  // Awaited below; a failure meanwhile must not count as an unhandled rejection first.
  pushed.catch(() => {});
  const deadline = started + HEARD_WITHIN_MS;
  for (;;) {
    const event = stream.heard.find((candidate) => candidate.at >= started && !seen.has(candidate.cursor));
    if (event) {
      await pushed;
      return event.at - started;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      await pushed;
      return null;
    }
    await Promise.race([stream.next(), new Promise((resolve) => setTimeout(resolve, left))]);
  }
}

/** An HLC in the protocol's form (§3), from this bench's own replica. */
const hlcOf = (change: number) =>
  `${Date.now().toString(36).padStart(9, '0')}-${(change % 46_656).toString(36).padStart(3, '0')}-stream-bench`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `changes` changes pushed by A to `urlA`, heard on B's stream on `urlB` (the same URL: one
 * process). `secret` is the site's identify secret the servers were started with.
 */
export async function streamLatency(
  urlA: string,
  urlB: string,
  secret: string,
  changes: number,
): Promise<StreamLatency> {
  const userId = `stream-bench-${randomUUID()}`;
  const a = await signedInDevice(urlA, secret, userId);
  const b = await signedInDevice(urlB, secret, userId);
  if (a.profileId !== b.profileId)
    throw new Error(`two profiles after sign-in: ${a.profileId}, ${b.profileId}`);
  const heard: Heard[] = [];
  let wake = () => {};
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  const abort = new AbortController();
  await openStream(b.device, heard, () => wake(), abort.signal);
  const times: number[] = [];
  let warmupHeard = 0;
  try {
    for (let change = 0; change < WARMUP + changes; change++) {
      const ms = await oneChange(a.device, change, { heard, next });
      if (ms === null) break;
      if (change < WARMUP) warmupHeard++;
      else times.push(ms);
      await sleep(PAUSE_MS);
    }
  } finally {
    abort.abort();
  }
  return { times, changes, warmupHeard };
}
