import { request, retryable } from '../core/request.ts';
import type { Envelope } from '../protocol/events.ts';
import type { BatchRequest } from '../protocol/index.ts';
import type { Destination } from './destination.ts';

/**
 * POSTs a batch to `{url}/v1/batch` and classifies the answer: 2xx delivered; 5xx, 408, 429 and
 * network errors worth a retry; any other status permanent, so the batch is dropped rather than
 * retried forever. (Events the server refuses one by one in a 2xx fail rules the client already
 * enforces; the server keeps them.)
 */
const send =
  (url: string, writeKey: string, headers: Record<string, string>): Destination['send'] =>
  async (batch, keepalive) => {
    // sentAt on each event too: collectors correct device clock skew with it (timestamp vs sentAt).
    const sentAt = new Date().toISOString();
    const { ok, status, body, retryAfter } = await request(`${url.replace(/\/+$/, '')}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify({
        batch: batch.map((event) => ({ ...event, sentAt })),
        writeKey,
        sentAt,
      } satisfies BatchRequest<Envelope>),
      headers,
      keepalive,
    });
    return ok
      ? { ok: true }
      : {
          ok: false,
          retry: retryable(status),
          status,
          retryAfter,
          message: `HTTP ${status} ${body.slice(0, 200)}`,
        };
  };

/**
 * The Omnikit protocol: `POST {url}/v1/batch`. JSON sent as text/plain with the write key inside is a
 * CORS-safelisted request: no preflight, and it works with `fetch` keepalive as the page goes away.
 */
export const httpDestination = (url: string, writeKey: string, name = 'http'): Destination => ({
  name,
  send: send(url, writeKey, {}),
});

/** Any Segment-compatible collector (Segment, RudderStack, Jitsu…): `POST {url}/v1/batch` with Basic auth. */
export const segmentDestination = (
  writeKey: string,
  url = 'https://api.segment.io',
  name = 'segment',
): Destination => ({
  name,
  send: send(url, writeKey, {
    'Content-Type': 'application/json',
    Authorization: `Basic ${btoa(`${writeKey}:`)}`,
  }),
});
