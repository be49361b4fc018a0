import type { Handler } from 'hono';
import type { ConsentAnswer } from '../../src/protocol/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { pageOf } from '../erasure/export.ts';
import { userIdOfPath } from '../erasure/user-id.ts';
import { requireServerKey } from '../server-key.ts';
import { currentChoices, receiptOnWire } from './answer.ts';

/**
 * `GET /v1/profiles/{userId}/consent` (server key): the customer's consent as it stands (the live
 * `consent` document of their profile) and the receipts of every change the server accepted, oldest
 * first, paged like the export (`?limit=` 1–1000, `next` → `?after=`). What a shop shows as proof
 * of when and how consent was given (GDPR Art. 7(1)). An unknown userId is a 200 with nothing in it,
 * as with the export: the answer must not tell which userIds exist beyond what the shop knows.
 */
export function consentHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context, '/consent');
    const page = await deps.store.consentOfUser(site.id, userId, pageOf(context.req.query()));
    const answer: ConsentAnswer = {
      userId,
      current: currentChoices(page.current),
      receipts: page.receipts.map(receiptOnWire),
      ...(page.next ? { next: page.next } : {}),
    };
    return context.json(answer);
  };
}
