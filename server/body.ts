import { ApiError } from './errors.ts';

/** Segment's HTTP API limit for one request. */
export const MAX_REQUEST_BYTES = 500 * 1024;

/**
 * Reads a request body as JSON whatever its Content-Type: browser SDKs send JSON as text/plain so
 * the request stays "simple" and skips a CORS preflight.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_REQUEST_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  // Refuse before reading a byte when the client tells us up front.
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = new TextDecoder().decode(await readCapped(request, maxBytes));
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'Request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
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
