import { replicaHlc, SERVER_REPLICA } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { subjectHash } from '../store/erasure-subject.ts';
import { checkJson } from '../values/index.ts';

/**
 * Writes one key of a document the shop's servers own into the profile of `userId` (made when the
 * user has none yet), as a record of the `server` replica sorting after the one it replaces, then
 * tells the profile's devices to pull (live on every signed-in device) and the site's agents (its
 * 360° view). A userId an erasure suppressed gets nothing written (410 `user_suppressed`).
 */
export async function writeShopRecord(
  deps: ProtocolDeps,
  siteId: string,
  userId: string,
  doc: string,
  key: string,
  value: Record<string, unknown>,
): Promise<void> {
  const checked = checkJson(value, '', 'the body');
  if (!checked.ok) throw new ApiError(400, checked.code, checked.message);
  await refuseSuppressed(deps, siteId, userId);
  const profileId = await deps.store.userProfile(siteId, userId);
  const previous = (await deps.store.liveRecords(siteId, profileId, doc)).find(
    (record) => record.key === key,
  );
  const hlc = replicaHlc(SERVER_REPLICA, deps.now(), previous?.hlc);
  const merged = await deps.store.mergeRecords(siteId, profileId, [{ doc, key, value, hlc, deleted: false }]);
  if (merged.written === 0) return;
  deps.hub.publish(profileId, merged);
  deps.agents.profile(siteId, profileId);
}

/** A 410 `user_suppressed` for a userId an erasure suppressed: nothing more is kept or offered for it. */
export async function refuseSuppressed(deps: ProtocolDeps, siteId: string, userId: string): Promise<void> {
  const suppressed = await deps.store.suppressedSubjects(siteId, [subjectHash(siteId, userId)]);
  if (suppressed.size > 0) {
    throw new ApiError(
      410,
      'user_suppressed',
      'This userId was erased with suppression: nothing more is kept for it',
    );
  }
}
