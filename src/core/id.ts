// Random bytes are drawn in blocks (as nanoid does in Node): getRandomValues() is a slow call from
// script, and a burst of track() calls made one per event.
let pool = new Uint8Array(0);
let used = 0;

/**
 * A random id of 26 base-32 characters (130 bits, nanoid's 21 characters carry 126). Written out
 * with toString(32) rather than nanoid's 64-character alphabet, which the bundle would carry.
 */
export function randomId(): string {
  let id = '';
  for (let left = 26; left--; ) {
    if (used === pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(1024));
      used = 0;
    }
    id += (pool[used++] & 31).toString(32);
  }
  return id;
}
