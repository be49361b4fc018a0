import type { Handler } from 'hono';
import { authenticate } from './auth.ts';
import { readJsonObject } from './body.ts';
import type { ProtocolDeps } from './deps.ts';
import { checkPush, MAX_SYNC_BODY_BYTES, parseCursor, type RejectedRecord } from './records.ts';
import type { SyncRecord } from './store/sync-types.ts';

/** Records per pull page (protocol §3). */
export const SYNC_PAGE_SIZE = 1000;

/** Body of a 200 answer to POST /v1/sync. */
export interface SyncResult {
  records: SyncRecord[];
  cursor: string;
  profileId: string;
  more: boolean;
  /** Records of the push that were not merged; the client stops pushing them. */
  rejected: RejectedRecord[];
}

/**
 * `POST /v1/sync` (Bearer): merges the push into the device's profile, then returns the profile's
 * records changed after the cursor. Both halves are idempotent, so a retried request is harmless.
 */
export function syncHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const { device } = await authenticate(c, deps);
    const body = await readJsonObject(c.req.raw, MAX_SYNC_BODY_BYTES);
    const push = checkPush(body.push, deps.now());
    const after = parseCursor(body.cursor);
    const { siteId, profileId } = device;

    if (push.records.length > 0) {
      const merged = await deps.store.mergeRecords(siteId, profileId, push.records);
      if (merged.written > 0) deps.hub.publish(profileId, merged.cursor);
    }
    const page = await deps.store.recordsSince(siteId, profileId, after, SYNC_PAGE_SIZE);
    const result: SyncResult = {
      records: page.records,
      cursor: String(page.cursor),
      profileId,
      more: page.more,
      rejected: push.rejected,
    };
    return c.json(result);
  };
}
