/** At most `limit` actions per `windowMs` for one key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

// Forgetting expired windows past this many keys keeps memory bounded under a flood of addresses.
const SWEEP_THRESHOLD = 10_000;

/**
 * A fixed-window counter per key, in memory: right for one process, which is what the reference
 * server is (a cluster would keep these in its shared store).
 */
export class RateLimiter {
  readonly #rule: RateLimit;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(rule: RateLimit) {
    if (!(rule.limit >= 1) || !(rule.windowMs > 0)) {
      throw new RangeError(`rate limit needs limit >= 1 and windowMs > 0, got ${JSON.stringify(rule)}`);
    }
    this.#rule = rule;
  }

  /** Counts one action; returns 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(key: string, now = Date.now()): number {
    const window = this.#current(key, now);
    if (window.count < this.#rule.limit) {
      window.count += 1;
      return 0;
    }
    return this.#wait(window.start, now);
  }

  /** Like `take` without counting: the seconds to wait once the window is full, else 0. */
  peek(key: string, now = Date.now()): number {
    const window = this.#windows.get(key);
    if (!window || now - window.start >= this.#rule.windowMs || window.count < this.#rule.limit) return 0;
    return this.#wait(window.start, now);
  }

  /** Forgets every count. */
  reset(): void {
    this.#windows.clear();
  }

  #current(key: string, now: number): { start: number; count: number } {
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#rule.windowMs) {
      if (this.#windows.size >= SWEEP_THRESHOLD) this.#sweep(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  #wait(start: number, now: number): number {
    return Math.max(1, Math.ceil((start + this.#rule.windowMs - now) / 1000));
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#rule.windowMs) this.#windows.delete(key);
    }
  }
}
