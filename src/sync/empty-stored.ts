import { emptyDoc } from './empty.ts';
import type { Sync } from './types.ts';

/** Starts the sync engine: `onlyLocal`, with the stored documents loaded and nothing sent yet. */
export type StartSync = (onlyLocal?: boolean) => { sync: Sync };

/**
 * Empties the document `name` on every device (tombstones), from a page that used it or not: the
 * stored documents are loaded first (`start(true)`), and the engine goes online (`start()`) only
 * when there is something to empty, so a device holding nothing of it registers nothing for it.
 */
export function emptyStored(start: StartSync, name: string): void {
  const { sync } = start(true);
  const empty = () => {
    const doc = sync.doc(name);
    if (!doc.entries().length) return;
    start();
    emptyDoc(doc);
  };
  empty(); // what this page holds in memory, stored or not
  void sync.ready().then(empty); // and what was stored
}
