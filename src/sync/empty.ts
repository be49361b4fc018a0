import type { SyncDoc } from './types.ts';

/** Removes every key of `doc`, with tombstones: it is emptied on every device, and stays so. */
export const emptyDoc = (doc: SyncDoc): void => {
  for (const [key] of doc.entries()) doc.remove(key);
};
