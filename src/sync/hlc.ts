// Hybrid logical clock in the protocol's string form (§3): base36(ms):9 - base36(counter):3 - replica.
// Fixed widths make plain string comparison the clock's order.

const MAX_COUNTER = 36 ** 3 - 1;
const pad = (n: number, width: number) => n.toString(36).padStart(width, '0');

/** The wall-clock milliseconds of an HLC. */
export const msOf = (hlc: string): number => parseInt(hlc.slice(0, 9), 36);

/** A clock for one replica: `now()` is always after every HLC it made or received. */
export function createClock(replica: string) {
  let ms = 0;
  let n = 0;
  return {
    _now(): string {
      const t = Date.now();
      if (t > ms) {
        ms = t;
        n = 0;
      } else if (++n > MAX_COUNTER) {
        // Three digits are full: borrow the next millisecond rather than break the fixed width.
        ms++;
        n = 0;
      }
      return `${pad(ms, 9)}-${pad(n, 3)}-${replica}`;
    },
    /** Moves the clock past a remote HLC (a malformed one is ignored: NaN compares false). */
    _receive(hlc: string): void {
      const m = msOf(hlc);
      const c = parseInt(hlc.slice(10, 13), 36);
      if (m > ms || (m === ms && c > n)) {
        ms = m;
        n = c;
      }
    },
  };
}

export type Clock = ReturnType<typeof createClock>;
