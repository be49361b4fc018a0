import type { Handler } from 'hono';
import type { BatchAnswer, RejectedEvent } from '../src/protocol/index.ts';
import { readEventBody } from './body.ts';
import { jsonAnswer } from './cors-headers.ts';
import { dropSuppressed } from './erasure/suppression.ts';
import { ApiError } from './errors.ts';
import { checkEvent, messageIdOf } from './events.ts';
import { RejectionList, type ServerLimits } from './limits/index.ts';
import { planViolations } from './plan/violations.ts';
import { hasPrivacyControl, honourMarketing } from './privacy-control.ts';
import { type SiteDirectory, siteAllowsOrigin } from './sites.ts';
import type { StatsRecorder } from './stats.ts';
import type { EventStore } from './store/types.ts';
import type { Webhooks } from './webhooks/index.ts';
import { resolveSender } from './write-key.ts';

/** Pulls the list of raw events out of a parsed request body; throws ApiError when the shape is wrong. */
export type EventExtractor = (body: Record<string, unknown>) => unknown[];

/** What every ingest route needs. */
export interface IngestDeps {
  store: EventStore;
  sites: SiteDirectory;
  stats: StatsRecorder;
  limits: ServerLimits;
  /** Queues each stored event's webhook deliveries in its transaction (absent: none). */
  webhooks?: Webhooks;
}

/** `{ batch: [...] }`: Omnikit's /v1/batch, Segment's /b, RudderStack's /v1/batch and beacon. */
export const batchOf: EventExtractor = (body) => {
  if (!Array.isArray(body.batch)) {
    throw new ApiError(400, 'invalid_batch', 'Body must be { "batch": [ ...events ] } with "batch" an array');
  }
  return body.batch;
};

/** A body that is itself one event; its type comes from the route when the client left it out. */
export function singleEventOf(type: string): EventExtractor {
  return (body) => [body.type === undefined ? { ...body, type } : body];
}

/** A route handler that authenticates, validates each event and stores the valid ones. */
export function ingestHandler(deps: IngestDeps, extract: EventExtractor): Handler {
  return async (context) => {
    const body = await readEventBody(context);
    const { site, credential } = resolveSender(context.req.raw, body, deps.sites);
    deps.limits.enforce(site.id, 'batchesPerIp', deps.limits.client(context));
    const origin = context.req.header('origin');
    if (origin !== undefined && !siteAllowsOrigin(site, origin)) {
      // Still answered with Access-Control-Allow-Origin (by the CORS middleware) when another site
      // allows the origin, so the browser client sees a permanent 4xx and stops retrying.
      throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} is not allowed for this write key`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError(400, 'invalid_body', 'Body must be a JSON object');
    }
    const raws = extract(body as Record<string, unknown>);
    const privacyControl = hasPrivacyControl(context.req.header('sec-gpc'));

    const valid: Record<string, unknown>[] = [];
    // Each valid event's JSON, made by its check: the store keeps it as the body, not a second copy.
    const json: string[] = [];
    const rejected = new RejectionList<RejectedEvent>();
    const rejectedCodes: Record<string, number> = {};
    for (let index = 0; index < raws.length; index++) {
      const raw = raws[index];
      const check = checkEvent(raw);
      if (check.ok) {
        // Under Global Privacy Control, stored with marketing refused; without marketing, without
        // click ids (serialised again only when either changed it).
        const honoured = honourMarketing(check.event, privacyControl);
        valid.push(honoured ?? check.event);
        json.push(honoured ? JSON.stringify(honoured) : check.json);
        continue;
      }
      rejected.add({ index, messageId: messageIdOf(raw), code: check.code, message: check.message });
      rejectedCodes[check.code] = (rejectedCodes[check.code] ?? 0) + 1;
    }
    // Events of a userId erased with suppression: answered as accepted (a client must not retry
    // them, and a write-key holder must not learn who was erased), never stored (§8).
    const kept = await dropSuppressed(deps.store, site.id, { events: valid, json });
    // Violations are recorded, never refused, in the events' transaction: a failure stores neither,
    // and a re-sent event's violations are counted once (see ViolationStore).
    const violations = site.plan ? planViolations(site.plan, kept.events) : [];
    // Deliveries in the events' transaction too: a 2xx means every matching webhook will be sent it.
    const webhooks = deps.webhooks?.queue(site, kept.events);
    const { inserted, duplicates } =
      kept.events.length > 0
        ? await deps.store.insertEvents(site.id, kept.events, {
            credential,
            violations,
            json: kept.json,
            webhooks,
          })
        : { inserted: 0, duplicates: 0 };
    if (webhooks && inserted > 0) deps.webhooks?.nudge();
    deps.stats.recordBatch({
      siteId: site.id,
      received: raws.length,
      inserted,
      duplicates,
      rejected: rejectedCodes,
      suppressed: kept.suppressed,
    });

    const result: BatchAnswer = {
      ok: true,
      accepted: inserted + kept.suppressed,
      duplicates,
      rejected: rejected.listed,
      rejectedCount: rejected.count,
    };
    return jsonAnswer(context, result);
  };
}
