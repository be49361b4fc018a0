import { MAX_EVENT_REQUEST_BYTES, MAX_REQUEST_BYTES } from '../src/protocol/index.ts';
import { type ContentEncoding, contentEncodingOf, decompress, EVENT_ENCODINGS } from './content-encoding.ts';
import { ApiError } from './errors.ts';

/**
 * Reads a request body as JSON whatever its Content-Type: browser SDKs send JSON as text/plain so
 * the request stays "simple" and skips a CORS preflight. `encodings` are the Content-Encodings the
 * route accepts; `maxBytes` bounds the body both as sent and once decompressed.
 */
export async function readJsonBody(
  request: Request,
  maxBytes = MAX_REQUEST_BYTES,
  encodings: readonly ContentEncoding[] = [],
): Promise<unknown> {
  const coding = contentEncodingOf(request, encodings);
  const sent = await readBody(request, maxBytes);
  const bytes = coding ? await decompress(sent, coding, maxBytes) : sent;
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'Request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The JSON body of a request to an event route: larger, and gzip or deflate accepted. */
export function readEventBody(request: Request): Promise<unknown> {
  return readJsonBody(request, MAX_EVENT_REQUEST_BYTES, EVENT_ENCODINGS);
}

/** Reads a body that must be no larger than `maxBytes` (413 otherwise), without decoding it. */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  // Refuse before reading a byte when the client tells us up front.
  if (declared > maxBytes) throw tooLarge(maxBytes);
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
  request: Request,
  maxBytes = MAX_REQUEST_BYTES,
): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, maxBytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'Body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
