import { urlAlphabet } from 'nanoid';

// Random bytes are drawn in blocks (as nanoid does in Node): getRandomValues() is a slow call from
// script, and a burst of track() calls made one per event.
let pool = new Uint8Array(0);
let used = 0;

/** A random URL-safe id of 21 characters (126 bits), like nanoid(). */
export function randomId(): string {
  let id = '';
  for (let n = 21; n--; ) {
    if (used === pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(1024));
      used = 0;
    }
    id += urlAlphabet[pool[used++] & 63];
  }
  return id;
}
