import type { Destination } from '../types.ts';
import { post } from './post.ts';

const batchUrl = (url: string) => `${url.replace(/\/+$/, '')}/v1/batch`;
const send =
  (url: string, writeKey: string, headers: Record<string, string>): Destination['send'] =>
  (batch, keepalive) => {
    // sentAt on each event too: collectors correct device clock skew with it (timestamp vs sentAt).
    const sentAt = new Date().toISOString();
    return post(
      url,
      JSON.stringify({ batch: batch.map((event) => ({ ...event, sentAt })), writeKey, sentAt }),
      headers,
      keepalive,
    );
  };

/**
 * The Omnikit protocol: `POST {url}/v1/batch`. JSON sent as text/plain with the write key inside is a
 * CORS-safelisted request: no preflight, and it works with `fetch` keepalive as the page goes away.
 */
export const httpDestination = (url: string, writeKey: string, name = 'http'): Destination => ({
  name,
  send: send(batchUrl(url), writeKey, {}),
});

/** Any Segment-compatible collector (Segment, RudderStack, Jitsu…): `POST {url}/v1/batch` with Basic auth. */
export const segmentDestination = (
  writeKey: string,
  url = 'https://api.segment.io',
  name = 'segment',
): Destination => ({
  name,
  send: send(batchUrl(url), writeKey, {
    'Content-Type': 'application/json',
    Authorization: `Basic ${btoa(`${writeKey}:`)}`,
  }),
});
