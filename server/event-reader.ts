import type { Handler } from 'hono';
import { MAX_ID_LENGTH } from '../src/protocol/index.ts';
import { ApiError } from './errors.ts';
import { requireServerKey } from './server-key.ts';
import type { SiteDirectory } from './sites.ts';
import type { EventFilter, Store } from './store/types.ts';
import { isStorableId } from './values/index.ts';

/** Events per page of `GET /v1/events` unless `limit` asks for fewer or more (at most MAX_PAGE). */
export const DEFAULT_EVENTS_PAGE = 100;
const MAX_EVENTS_PAGE = 1000;

/**
 * `GET /v1/events` with the site's server key: what arrived, so a shop can check its tagging without
 * opening the database. Filters (`userId`, `anonymousId`, `type`, received `from` / `to`) narrow it;
 * pages come oldest first, `next` asks for the page after. A parameter that is wrong is a 400 naming it.
 */
export function eventReaderHandler(deps: { store: Store; sites: SiteDirectory }): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const page = await deps.store.pageEvents(site.id, eventQuery(context.req.query()));
    return context.json(page);
  };
}

/** The store filter a query asks for; throws a 400 `invalid_query` naming the first wrong parameter. */
function eventQuery(query: Record<string, string>): EventFilter {
  const refuse = (name: string, expected: string): never => {
    throw new ApiError(400, 'invalid_query', `${name}: expected ${expected}`);
  };
  const id = (name: 'userId' | 'anonymousId' | 'type') => {
    const value = query[name];
    if (value !== undefined && !isStorableId(value, MAX_ID_LENGTH)) refuse(name, 'text of 1-256 characters');
    return value;
  };
  const instant = (name: 'from' | 'to') => {
    const value = query[name];
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? refuse(name, 'an ISO 8601 date and time') : new Date(ms).toISOString();
  };
  const limit = query.limit === undefined ? DEFAULT_EVENTS_PAGE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_PAGE) refuse('limit', 'an integer, 1-1000');
  const after = query.after;
  if (after !== undefined && !/^\d{1,15}$/.test(after)) refuse('after', "a page's next");
  return {
    userId: id('userId'),
    anonymousId: id('anonymousId'),
    type: id('type'),
    receivedFrom: instant('from'),
    receivedBefore: instant('to'),
    limit,
    after,
  };
}
