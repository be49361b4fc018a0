import {
  MAX_ECHOED_ID_LENGTH,
  MAX_LISTED_REJECTIONS,
  MAX_REJECTION_MESSAGE_LENGTH,
} from '../../src/protocol/index.ts';

/**
 * The refused items of one request (events of a batch, records of a push), listed for the client up
 * to MAX_LISTED_REJECTIONS and counted beyond: an answer stays a few KB whatever the request held
 * (a body of 160,000 empty events once answered 22 MB).
 */
export class RejectionList<T extends { message: string }> {
  readonly listed: T[] = [];
  count = 0;

  /** Counts one refused item, and lists it (bounded) while the list has room. */
  add(item: T): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_REJECTIONS) this.listed.push(bounded(item));
  }

  /** A list of refusals made elsewhere, as an answer lists them. */
  static of<T extends { message: string }>(items: readonly T[]): RejectionList<T> {
    const list = new RejectionList<T>();
    for (const item of items) list.add(item);
    return list;
  }
}

// Any string a refusal carries may come from the request: none may make the answer grow with it.
function bounded<T extends { message: string }>(item: T): T {
  const copy: Record<string, unknown> = { ...item };
  for (const [name, value] of Object.entries(copy)) {
    if (typeof value !== 'string') continue;
    if (name === 'message') {
      if (value.length > MAX_REJECTION_MESSAGE_LENGTH) {
        copy[name] = `${value.slice(0, MAX_REJECTION_MESSAGE_LENGTH - 1)}…`;
      }
    } else if (value.length > MAX_ECHOED_ID_LENGTH) copy[name] = null;
  }
  return copy as T;
}
