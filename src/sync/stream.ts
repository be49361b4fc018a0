import { retryAfterMs } from '../protocol/retry.ts';

/** The longest unfinished message kept: above the largest the server sends (64 KB of records). */
const MAX_MESSAGE_CHARS = 100_000;

/** A change stream: `_run()` reads it for as long as the page lives. */
export type Stream = ReturnType<typeof createStream>;

/**
 * The change stream (§3): `GET /v1/stream` read with fetch, so the token travels in a header, never
 * a URL. A chunk, fetched by the one tab that holds the stream, after its first sync. Calls
 * `onChange` with each `changed` event's data, and without after each (re)connect, to catch up on the
 * gap; `onEvent` with any other event's name and data (`typing`, for chat).
 * Reconnects forever with backoff, or after `Retry-After` when a refusal asks for longer;
 * `restart()` reconnects now, e.g. when the token changed.
 */
export function createStream(
  url: string,
  token: () => Promise<string | undefined>,
  onChange: (data?: string) => void,
  delay: (failures: number) => number,
  onEvent: (event: string, data: string) => void,
) {
  let abort: AbortController | undefined;
  let wake = () => {};
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms);
    });
  // How long a refusal asked to wait (Retry-After, e.g. too many streams): at least that long.
  let asked: number | undefined;
  const run = async (): Promise<never> => {
    for (let failures = 0; ; await wait(Math.max(delay(++failures), asked ?? 0))) {
      asked = undefined;
      try {
        const bearer = await token();
        if (!bearer) continue;
        abort = new AbortController();
        const response = await fetch(url, {
          headers: { Authorization: `Bearer ${bearer}` },
          signal: abort.signal,
          credentials: 'omit',
        });
        // A refused token: the sync re-registers, the next connection uses the new token.
        if (response.status === 401) onChange();
        asked = retryAfterMs(response.headers.get('Retry-After'));
        if (!response.ok) continue;
        // (A 2xx without a body, not the protocol's, throws here: a failure like any other.)
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        failures = 0;
        onChange();
        // Messages end with a blank line (pings are comments); the tail is an unfinished one.
        for (let tail = ''; ; ) {
          const { done, value } = await reader.read();
          if (done) break;
          const messages = (tail + decoder.decode(value, { stream: true })).split('\n\n');
          tail = messages.pop()!.slice(-MAX_MESSAGE_CHARS);
          for (const message of messages) {
            const [, event, data] = /event: ?(.+)\n(?:data: ?(.*))?/.exec(message) ?? [];
            if (event === 'changed') onChange(data);
            else if (event) onEvent(event, data);
          }
        }
      } catch {
        // Network error or restart(): reconnect after the delay.
      }
    }
  };
  return {
    _run: run,
    /** Reconnects (a new token, back online): drops the connection, or ends the backoff's wait. */
    _restart() {
      abort?.abort();
      wake();
    },
  };
}
