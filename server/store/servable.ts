// Values read back from the database for the agent API. The database holds rows written before
// today's input checks (and anything else that ever wrote to it): JSON nested thousands of levels
// deep, which JSON.stringify cannot serialize (RangeError, so the whole answer would fail), text that
// is no JSON at all, values far larger than a push may carry. One such value must never fail a list
// or a 360° view, so each is checked on its own and, when it cannot be served, replaced by a
// placeholder that says why.

/** Deepest value served (nested objects and arrays); deeper ones become a placeholder. */
export const MAX_SERVED_DEPTH = 128;
/** Longest value served, in characters of its JSON text; longer ones become a placeholder. */
export const MAX_SERVED_CHARS = 64 * 1024;

/** Why a stored value is not served. */
export type UnavailableReason = 'unreadable' | 'too_deep' | 'too_large';

/** What the agent API shows in place of a value it cannot serve. */
export interface Unavailable {
  $unavailable: UnavailableReason;
}

/** The placeholder for `reason`. */
export const unavailable = (reason: UnavailableReason): Unavailable => ({ $unavailable: reason });

/** Whether `value` is a placeholder. */
export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && '$unavailable' in value;
}

/** A stored JSON text as a value the API can serve, or the placeholder saying why it cannot be. */
export function readStored(text: unknown): unknown {
  if (typeof text !== 'string') return unavailable('unreadable');
  if (text.length > MAX_SERVED_CHARS) return unavailable('too_large');
  let value: unknown;
  try {
    // JSON.parse has no depth limit (it does not recurse), so the depth is checked after it.
    value = JSON.parse(text);
  } catch {
    return unavailable('unreadable');
  }
  // Its size is the text's, already checked (numbers may print a few characters longer: bounded).
  return withinDepth(value, MAX_SERVED_DEPTH) ? value : unavailable('too_deep');
}

/** `value` when the API can serve it, else the placeholder saying why not. */
export function servable(value: unknown): unknown {
  if (!withinDepth(value, MAX_SERVED_DEPTH)) return unavailable('too_deep');
  // Safe now: JSON.stringify recurses, but only MAX_SERVED_DEPTH levels.
  const text = JSON.stringify(value);
  if (text !== undefined && text.length > MAX_SERVED_CHARS) return unavailable('too_large');
  return value;
}

/** Whether `value` nests at most `max` objects and arrays deep; walks with a stack, never recursion. */
function withinDepth(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return true;
}
