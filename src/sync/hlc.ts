// The device's hybrid logical clock, in the protocol's string form (src/protocol/hlc.ts).
import { counterOfHlc, formatHlc, MAX_HLC_COUNTER, msOfHlc } from '../protocol/index.ts';

/** A clock for one replica: `now()` is always after every HLC it made or received. */
export function createClock(replica: string) {
  let ms = 0;
  let counter = 0;
  return {
    _now(): string {
      const now = Date.now();
      if (now > ms) {
        ms = now;
        counter = 0;
      } else if (++counter > MAX_HLC_COUNTER) {
        // Three digits are full: borrow the next millisecond rather than break the fixed width.
        ms++;
        counter = 0;
      }
      return formatHlc(ms, counter, replica);
    },
    /** Moves the clock past a remote HLC (a malformed one is ignored: NaN compares false). */
    _receive(hlc: string): void {
      const remoteMs = msOfHlc(hlc);
      const remoteCounter = counterOfHlc(hlc);
      if (remoteMs > ms || (remoteMs === ms && remoteCounter > counter)) {
        ms = remoteMs;
        counter = remoteCounter;
      }
    },
  };
}

export type Clock = ReturnType<typeof createClock>;
