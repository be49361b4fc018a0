import type { SyncRecord } from './types.ts';

/**
 * What tabs tell each other, one at a time: records to merge, a document forgotten, or a new token or
 * profile (`_switched`; true: and the documents were dropped). Checked by value, never with `in`: a
 * quoted name is not renamed. The short keys sent are pinned in mangle.json (`stored`).
 */
export interface TabMessage {
  _records?: SyncRecord[];
  _forgotten?: string;
  _switched?: boolean;
}

/** Tells the other tabs of this browser. */
export type PostToTabs = (message: TabMessage) => void;

/**
 * The sync's BroadcastChannel `omnikit-sync:<writeKey>`. `post` tells the other tabs (and, on a switch,
 * reconnects this tab's stream too); `listen` opens the channel and hands each message to its handler:
 * records are merged, a forgotten document dropped, a switch restarts the stream (after dropping the
 * documents when they were dropped there).
 */
export function createTabMessages(
  writeKey: string,
  restartStream: () => void,
): [
  post: PostToTabs,
  listen: (merge: (records: SyncRecord[]) => unknown, forget: (doc?: string) => unknown) => void,
] {
  let channel: BroadcastChannel | undefined;
  const post: PostToTabs = (message) => {
    channel?.postMessage(message);
    if (message._switched !== undefined) restartStream();
  };
  const listen = (merge: (records: SyncRecord[]) => unknown, forget: (doc?: string) => unknown) => {
    // (No BroadcastChannel before Safari 15.4: the constructor throws, and tabs go untold.)
    try {
      channel = new BroadcastChannel(`omnikit-sync:${writeKey}`);
      channel.onmessage = ({ data: message }: MessageEvent<TabMessage>) => {
        if (message._records) merge(message._records);
        else if (message._forgotten !== undefined) forget(message._forgotten);
        else {
          if (message._switched) forget();
          restartStream();
        }
      };
    } catch {}
  };
  return [post, listen];
}
