import { gunzip, type InputType, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { ApiError } from './errors.ts';

/** A compression a route may accept on request bodies (`x-gzip` is gzip's old name). */
export type ContentEncoding = 'gzip' | 'deflate';

/** What the event routes accept: what Segment's HTTP API and PostHog accept, and clients send. */
export const EVENT_ENCODINGS: readonly ContentEncoding[] = ['gzip', 'deflate'];

/**
 * The coding named by a request's `Content-Encoding`, or null when there is none (or `identity`).
 * Anything else, stacked codings included, is 415: refused before a byte of the body is read.
 */
export function contentEncodingOf(
  request: Request,
  accepted: readonly ContentEncoding[],
): ContentEncoding | null {
  const header = request.headers.get('content-encoding');
  const coding = header?.trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity') return null;
  const name = coding === 'x-gzip' ? 'gzip' : coding;
  const found = accepted.find((encoding) => encoding === name);
  if (found) return found;
  const allowed = accepted.length ? `${accepted.join(' or ')} or none` : 'none on this route';
  throw new ApiError(
    415,
    'unsupported_content_encoding',
    `Content-Encoding "${String(header).slice(0, 100)}" is not supported; send ${allowed}`,
  );
}

/**
 * Decompresses a request body, giving up as soon as the output passes `maxBytes`: a decompression
 * bomb costs that much work and memory, never what it would inflate to. A corrupt or truncated body
 * is 400 `invalid_content_encoding`.
 */
export async function decompress(
  body: Uint8Array,
  coding: ContentEncoding,
  maxBytes: number,
): Promise<Uint8Array> {
  // HTTP's deflate is zlib-wrapped (RFC 1950), but some clients send raw deflate: tell them apart.
  const inflater = coding === 'gzip' ? gunzip : isZlibWrapped(body) ? inflate : inflateRaw;
  try {
    return await run(inflater, body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ApiError(
        413,
        'payload_too_large',
        `Request body exceeds ${Math.round(maxBytes / 1024)} KB once decompressed; send smaller batches`,
      );
    }
    throw new ApiError(
      400,
      'invalid_content_encoding',
      `Request body is not valid ${coding} data: ${(error as Error).message}`,
    );
  }
}

type Inflater = (
  buffer: InputType,
  options: ZlibOptions,
  callback: (error: Error | null, result: Buffer) => void,
) => void;

// The callback form runs on libuv's thread pool: a large body never blocks other requests.
function run(inflater: Inflater, body: Uint8Array, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    inflater(body, options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

// A zlib header: compression method 8 (deflate) and a check value making the first 16 bits a multiple of 31.
function isZlibWrapped(body: Uint8Array): boolean {
  return body.length >= 2 && (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0;
}
