import type { IdentifyAnswer, IdentifyRequest } from '../protocol/index.ts';
import type { Sync } from './types.ts';

/**
 * Links this device to a verified user (§2); undefined when refused (reported). On a switch from a
 * guest profile, what the device holds is pushed to the account on the next sync (soon after, or at
 * `sync()`): forget() right away the documents merged by a policy. From another user's profile, the
 * local documents are dropped. Not a method of the engine: only a verified sign-in needs it, and it
 * lives in the sign-in chunk.
 */
export const link = (sync: Sync, userId: string, userHash: string): Promise<IdentifyAnswer | undefined> =>
  sync._call<IdentifyAnswer>(
    'identify',
    { userId, userHash } satisfies IdentifyRequest,
    async (linked, adopt) => {
      await adopt(linked.profileId, true, linked.wasAnonymous);
      // Not synced at once: the caller may first forget() a document it merges by a policy (§5).
      sync._kick(50);
    },
  );
