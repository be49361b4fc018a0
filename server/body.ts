import type { Context } from 'hono';
import { MAX_EVENT_REQUEST_BYTES, MAX_REQUEST_BYTES } from '../src/protocol/index.ts';
import { type ContentEncoding, contentEncodingOf, decompress, EVENT_ENCODINGS } from './content-encoding.ts';
import { ApiError } from './errors.ts';
import { readableIncoming, readIncoming } from './incoming-body.ts';

/**
 * Where a body is read from: the route's Hono context (on @hono/node-server the Node stream is read
 * directly, see incoming-body.ts) or a web Request.
 */
export type BodySource = Context | Request;

const isContext = (source: BodySource): source is Context => 'req' in source && 'env' in source;
const requestOf = (source: BodySource): Request => (isContext(source) ? source.req.raw : source);

/**
 * Reads a request body as JSON whatever its Content-Type: browser SDKs send JSON as text/plain so
 * the request stays "simple" and skips a CORS preflight. `encodings` are the Content-Encodings the
 * route accepts; `maxBytes` bounds the body both as sent and once decompressed.
 */
export async function readJsonBody(
  source: BodySource,
  maxBytes = MAX_REQUEST_BYTES,
  encodings: readonly ContentEncoding[] = [],
): Promise<unknown> {
  const coding = contentEncodingOf(requestOf(source), encodings);
  const sent = await readBody(source, maxBytes);
  const bytes = coding ? await decompress(sent, coding, maxBytes) : sent;
  return parseJson(utf8(bytes));
}

// What TextDecoder gave (invalid sequences become U+FFFD, a leading byte order mark is dropped),
// without a decoder object per request: Buffer's decoding is the same, and faster.
function utf8(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only a body that failed to parse can be empty: no scan of every good body for it.
    if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'Request body is empty; expected JSON');
    throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The JSON body of a request to an event route: larger, and gzip or deflate accepted. */
export function readEventBody(source: BodySource): Promise<unknown> {
  return readJsonBody(source, MAX_EVENT_REQUEST_BYTES, EVENT_ENCODINGS);
}

/** Reads a body that must be no larger than `maxBytes` (413 otherwise), without decoding it. */
export async function readBody(source: BodySource, maxBytes: number): Promise<Uint8Array> {
  const request = requestOf(source);
  const declared = Number(request.headers.get('content-length'));
  // Refuse before reading a byte when the client tells us up front.
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = isContext(source) ? readableIncoming(source) : undefined;
  if (incoming) return readIncoming(incoming, maxBytes, () => tooLarge(maxBytes));
  return readCapped(request, maxBytes);
}

// Counts the real bytes too: a chunked body has no Content-Length to trust.
async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    'payload_too_large',
    `Request body exceeds ${Math.round(maxBytes / 1024)} KB; send smaller batches`,
  );
}

/** Reads a JSON body that must be an object (every protocol request body is one). */
export async function readJsonObject(
  source: BodySource,
  maxBytes = MAX_REQUEST_BYTES,
): Promise<Record<string, unknown>> {
  const body = await readJsonBody(source, maxBytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'Body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
