/** One HTTP attempt of one delivery: POST, bounded in time and in what is read back. */

/** What a receiver's answer is read up to, for the delivery's `lastError` (the rest is discarded). */
const MAX_ANSWER_BYTES = 4096;
/** Characters of that answer kept in `lastError`. */
const MAX_ERROR_CHARS = 200;

/**
 * How an attempt ended: a 2xx, or why not (`HTTP 500: …`, `timeout`, `connection refused`…), with
 * the wait the receiver asked for in `Retry-After`, if any (ms).
 */
export type AttemptResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

/**
 * POSTs `body` to `url` with `headers`; any 2xx is a delivery. Redirects are not followed (a 3xx is
 * a failure: the receiver's configured URL is the one the shop vouched for). The whole exchange is
 * bounded by `timeoutMs`; at most MAX_ANSWER_BYTES of the answer are read, and only a failure keeps
 * a line of it. Never throws.
 */
export async function attempt(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { ok: true };
    }
    const answer = await readSome(response);
    const error = `HTTP ${response.status}${answer ? `: ${answer}` : ''}`;
    const retryAfterMs = retryAfter(response.headers.get('retry-after'), Date.now());
    return retryAfterMs === undefined ? { ok: false, error } : { ok: false, error, retryAfterMs };
  } catch (error) {
    return { ok: false, error: signal.aborted ? `timeout after ${timeoutMs} ms` : networkError(error) };
  }
}

/** The first bytes of an answer, as one short line; the rest is never read. */
async function readSome(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The answer broke off: what came is enough.
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_CHARS);
}

/** `Retry-After` (delay-seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A network failure in words, from its system error code when it has one. */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'connection closed by the receiver',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found (DNS)',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  if (code && known[code]) return known[code];
  if (code && /^[A-Z_]{2,40}$/.test(code)) return `network error ${code}`;
  return 'network error';
}
