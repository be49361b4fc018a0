/**
 * How many of something are open at once per key (event streams per device, per IP, per agent key).
 * Unlike a rate, a place frees when its holder closes, not when a window passes.
 */
export class OpenCounter {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Takes a place under `key`; returns its release (safe to call twice), or null when all are taken. */
  open(key: string): (() => void) | null {
    const count = this.#open.get(key) ?? 0;
    if (count >= this.#max) return null;
    this.#open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      // Keys with nothing open are dropped, so the map holds only what is open now.
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    };
  }
}
