// The device's hybrid logical clock, in the protocol's string form (src/protocol/hlc.ts).
import { counterOfHlc, formatHlc, MAX_HLC_COUNTER, msOfHlc } from '../protocol/index.ts';

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
      } else if (++n > MAX_HLC_COUNTER) {
        // Three digits are full: borrow the next millisecond rather than break the fixed width.
        ms++;
        n = 0;
      }
      return formatHlc(ms, n, replica);
    },
    /** Moves the clock past a remote HLC (a malformed one is ignored: NaN compares false). */
    _receive(hlc: string): void {
      const m = msOfHlc(hlc);
      const c = counterOfHlc(hlc);
      if (m > ms || (m === ms && c > n)) {
        ms = m;
        n = c;
      }
    },
  };
}

export type Clock = ReturnType<typeof createClock>;
