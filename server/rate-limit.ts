/** At most `limit` actions per `windowMs` for one key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The server's rate limits; tests lower them to reach them quickly. */
export interface RateLimits {
  /** Device registrations per client IP. */
  registrations: RateLimit;
  /** Handoff creations per device. */
  handoffs: RateLimit;
  /** Handoff peeks and claims per device, together: guessing tokens must stay slow. */
  handoffClaims: RateLimit;
  /** Typing signals per device (POST /v1/chat/typing); the ones over the limit are dropped silently. */
  typing: RateLimit;
}

/** Defaults of `RateLimits`. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  registrations: { limit: 30, windowMs: 60_000 },
  handoffs: { limit: 5, windowMs: 60_000 },
  handoffClaims: { limit: 30, windowMs: 60_000 },
  // A client renews "typing" every 3 s at most (20 a minute), plus its "stopped" signals.
  typing: { limit: 30, windowMs: 60_000 },
};

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
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#rule.windowMs) {
      if (this.#windows.size >= SWEEP_THRESHOLD) this.#sweep(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count < this.#rule.limit) {
      window.count += 1;
      return 0;
    }
    return Math.max(1, Math.ceil((window.start + this.#rule.windowMs - now) / 1000));
  }

  /** Forgets every count. */
  reset(): void {
    this.#windows.clear();
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#rule.windowMs) this.#windows.delete(key);
    }
  }
}
