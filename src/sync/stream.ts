/**
 * The change stream (§3): `GET /v1/stream` read with fetch, so the token travels in a header, never a
 * URL. Calls `onChange` for each `changed` event and after each (re)connect, to catch up on the gap.
 * Reconnects forever with backoff; `restart()` reconnects now, e.g. when the token changed.
 */
export function createStream(
  url: string,
  token: () => Promise<string | undefined>,
  onChange: () => void,
  delay: (failures: number) => number,
) {
  let abort: AbortController | undefined;
  let wake = () => {};
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms);
    });
  const run = async (): Promise<never> => {
    for (let failures = 0; ; await wait(delay(++failures))) {
      try {
        const t = await token();
        if (!t) continue;
        abort = new AbortController();
        const r = await fetch(url, {
          headers: { Authorization: `Bearer ${t}` },
          signal: abort.signal,
          credentials: 'omit',
        });
        // A refused token: the sync re-registers, the next connection uses the new token.
        if (r.status === 401) onChange();
        if (!r.ok || !r.body) continue;
        failures = 0;
        onChange();
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        // Only `changed` matters (pings are comments); the tail kept covers an event split across chunks.
        for (let tail = ''; ; ) {
          const { done, value } = await reader.read();
          if (done) break;
          tail = (tail + decoder.decode(value, { stream: true })).slice(-64);
          if (/event: ?changed/.test(tail)) {
            tail = '';
            onChange();
          }
        }
      } catch {
        // Network error or restart(): reconnect after the delay.
      }
    }
  };
  return {
    run,
    /** Reconnects (a new token, back online): drops the connection, or ends the backoff's wait. */
    restart() {
      abort?.abort();
      wake();
    },
  };
}
