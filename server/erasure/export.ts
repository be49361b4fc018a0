import type { Handler } from 'hono';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { requireServerKey } from '../server-key.ts';
import type { ExportPage } from '../store/erasure-types.ts';
import { userIdOfPath } from './user-id.ts';

/** Events per page of an export unless `limit` says otherwise, and the most it may say. */
export const EXPORT_PAGE_EVENTS = 1000;

/**
 * `GET /v1/profiles/{userId}/export` (server key): what the server holds about a customer, as JSON
 * (right of access, portability): the rows an erasure would remove. Events come a page at a time
 * (`?limit=` 1–1000, `next` → `?after=`), so one request's work is bounded however many there are;
 * the profiles (bounded by the per-profile quotas) come with the first page.
 */
export function exportHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context, '/export');
    const page = await deps.store.exportUser(site.id, userId, pageOf(context.req.query()));
    return context.json({ userId, exportedAt: new Date().toISOString(), ...readable(page) });
  };
}

function pageOf(query: Record<string, string>): { after: string; limit: number } {
  const limit = query.limit === undefined ? EXPORT_PAGE_EVENTS : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > EXPORT_PAGE_EVENTS) {
    throw new ApiError(400, 'invalid_query', `limit must be an integer from 1 to ${EXPORT_PAGE_EVENTS}`);
  }
  const after = query.after ?? '';
  if (after !== '' && !/^[1-9][0-9]{0,15}$/.test(after)) {
    throw new ApiError(400, 'invalid_query', 'after must be the "next" of the page before');
  }
  return { after, limit };
}

/** The stored JSON texts as values; one that no longer parses is kept as its text. */
function readable(page: ExportPage) {
  return {
    profiles: page.profiles.map((profile) => ({
      ...profile,
      documents: Object.fromEntries(
        Object.entries(profile.documents).map(([doc, records]) => [
          doc,
          Object.fromEntries(Object.entries(records).map(([key, value]) => [key, parsed(value)])),
        ]),
      ),
    })),
    events: page.events.map((event) => ({ ...event, body: parsed(event.body) })),
    ...(page.next ? { next: page.next } : {}),
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { $unreadable: text };
  }
}
