import type { Handler } from 'hono';
import { CHAT_DOC, MAX_SYNC_BODY_BYTES, SYNC_PAGE_SIZE, type SyncAnswer } from '../src/protocol/index.ts';
import { authenticate } from './auth.ts';
import { readJsonObject } from './body.ts';
import { repriceCart } from './catalog.ts';
import { chatGuard, touchesChat } from './chat/guard.ts';
import { consentGuard } from './consent/check.ts';
import { jsonAnswer } from './cors-headers.ts';
import type { ProtocolDeps } from './deps.ts';
import { RejectionList } from './limits/index.ts';
import { checkPush, parseCursor } from './records.ts';
import { shopDocProblem } from './shop-state/guard.ts';
import type { Site } from './sites.ts';
import type { Correction, MergeResult, SyncRecord } from './store/sync-types.ts';

/**
 * `POST /v1/sync` (Bearer): merges the push into the device's profile, then returns the profile's
 * records changed after the cursor. Both halves are idempotent, so a retried request is harmless.
 */
export function syncHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    deps.limits.enforce(site.id, 'syncPerDevice', device.id);
    deps.limits.enforce(site.id, 'syncPerIp', deps.limits.client(context));
    const body = await readJsonObject(context, MAX_SYNC_BODY_BYTES);
    const { siteId, profileId } = device;
    const chat = await chatGuard(deps, siteId, profileId, body.push);
    const push = checkPush(
      body.push,
      deps.now(),
      (record, where) => chat(record, where) ?? consentGuard(record, where) ?? shopDocProblem(record, where),
    );
    const after = parseCursor(body.cursor);

    let merged: MergeResult | undefined;
    if (push.records.length > 0) {
      const corrections = await correctionsOf(deps, site, push.records);
      const quota = deps.limits.quota(siteId);
      // The device and the server's clock go with the merge: each consent record it takes is a receipt.
      const source = { writer: device.id, receivedAt: deps.now() };
      merged = await deps.store.mergeRecords(siteId, profileId, push.records, corrections, quota, source);
      if (merged.overQuota) throw deps.limits.overQuota(siteId, merged.overQuota);
      if (merged.written > 0) {
        deps.hub.publish(profileId, merged);
        if (touchesChat(push.records)) deps.agents.message(siteId, profileId);
        // Anything else (the cart, a draft, what was viewed) changes the 360° view an agent may have open.
        if (push.records.some((record) => record.doc !== CHAT_DOC)) deps.agents.profile(siteId, profileId);
      }
    }
    const watermark = await deps.store.compactionWatermark(siteId, profileId);
    // A cursor below the watermark may predate a removal that is gone now: start that device over.
    const reset = after > 0 && after < watermark;
    // A device that was up to date when it pushed gets what its push wrote, without reading it back.
    const page =
      merged?.written && !reset && after === merged.from && merged.records.length <= SYNC_PAGE_SIZE
        ? { records: merged.records, cursor: merged.cursor, more: false }
        : await deps.store.recordsSince(siteId, profileId, reset ? 0 : after, SYNC_PAGE_SIZE);
    const rejected = RejectionList.of(push.rejected);
    const result: SyncAnswer = {
      records: page.records,
      // A last page holds everything up to now, so the cursor may skip to the watermark: an empty
      // profile would otherwise hand out a cursor that looks older than its own compaction.
      cursor: String(page.more ? page.cursor : Math.max(page.cursor, watermark)),
      profileId,
      more: page.more,
      rejected: rejected.listed,
      rejectedCount: rejected.count,
    };
    if (reset) result.reset = true;
    return jsonAnswer(context, result);
  };
}

// A pricing service that is down must not stop carts syncing: the lines merge unchecked, and are
// checked the next time they are pushed.
async function correctionsOf(deps: ProtocolDeps, site: Site, records: SyncRecord[]): Promise<Correction[]> {
  try {
    return await repriceCart(deps.catalog, site, records);
  } catch (error) {
    console.error('[omnikit] catalog lookup failed; cart lines merged without repricing', error);
    return [];
  }
}
