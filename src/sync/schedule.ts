import { createRetry, retryable } from '../protocol/retry.ts';
import type { HttpError } from './http.ts';

/**
 * When syncs run: one at a time, after the one running (calls made meanwhile share the turn); after
 * a retryable failure, again when the backoff (or `Retry-After`) ends; a failure for good goes to
 * `fail`. Returns `sync` (never rejects), `kick(ms)` (syncs in `ms`, or when the backoff ends, unless
 * a sync is planned already) and `online` (the backoff ends now).
 */
export function createSchedule(
  cycle: () => Promise<void>,
  fail: (error: HttpError) => void,
  after: Promise<void>,
  retryBaseDelay: number,
  retryMaxDelay: number,
): [sync: () => Promise<void>, kick: (ms?: number) => void, succeeded: () => void] {
  const [retryAt, failed, succeeded] = createRetry(retryBaseDelay, retryMaxDelay);
  let chain = after;
  let next: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false;
  const sync = (): Promise<void> =>
    (next ??= chain =
      chain.then(() => {
        next = undefined;
        return cycle().then(succeeded, (error: HttpError) => {
          if (!retryable(error.status)) return fail(error);
          failed(error.retryAfter);
          clearTimeout(timer);
          timer = undefined;
          kick();
        });
      }));
  const kick = (ms = 0) => {
    const wait = Math.max(ms, retryAt() - Date.now());
    if (wait > 0)
      timer ??= setTimeout(() => {
        timer = undefined;
        void sync();
      }, wait);
    else if (!soon && !timer) {
      // Once the task that wrote is done (a loop of writes is one push), not a timer's turn later.
      soon = true;
      queueMicrotask(() => {
        soon = false;
        void sync();
      });
    }
  };
  return [sync, kick, succeeded];
}
