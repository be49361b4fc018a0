// `GET /v1/stream` (Bearer, read with fetch): server-sent events; the `data` of each is JSON.
import type { StoredRecord } from './record.ts';

/**
 * `event: changed`: the profile's documents changed. With `records`, they are every record of the
 * profile changed after cursor `from` up to `cursor`: a device whose cursor is `from` applies them
 * and moves its cursor to `cursor` without a pull. Otherwise (a gap, or a change too large to carry)
 * the client syncs.
 */
export interface StreamChanged {
  cursor: string;
  /** The profile these changes are of. */
  profileId?: string;
  /** The cursor the changes follow. */
  from?: string;
  records?: StoredRecord[];
}

/** `event: typing`: an agent is typing (or stopped); never stored, never replayed. */
export interface DeviceTyping {
  typing: boolean;
  /** The agent's display name, when given. */
  name?: string;
}
