import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { siteOfRequest } from './request-site.ts';

/** One line of the request log: what a request was and how it ended, never what it carried. */
export interface RequestLogEntry {
  /** The request's id: the caller's `X-Request-Id` when it is a plain one, else a new UUID. */
  id: string;
  method: string;
  /** The route's pattern (`/v1/agent/profiles/:profileId`), never the path: a path may name a customer. */
  route: string;
  status: number;
  /** Until the response's head was ready (a stream: until it opened), in milliseconds. */
  ms: number;
  /** The site its credential named, once it was checked. */
  site?: string;
}

// A caller's id is kept only when it cannot forge a log line or carry much: letters, digits, `._-`.
const PLAIN_ID = /^[\w.-]{1,64}$/;

/**
 * Hands `log` one entry per request and answers its id in `X-Request-Id`. No header, query or body
 * goes into an entry: tokens, keys, hashes and what customers typed stay out of logs.
 */
export function requestLog(log: (entry: RequestLogEntry) => void): MiddlewareHandler {
  return async (context, next) => {
    const started = performance.now();
    const given = context.req.header('x-request-id');
    const id = given !== undefined && PLAIN_ID.test(given) ? given : randomUUID();
    await next();
    context.res.headers.set('X-Request-Id', id);
    const site = siteOfRequest(context.req.raw);
    log({
      id,
      method: context.req.method,
      route: context.req.routePath,
      status: context.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(site === undefined ? {} : { site }),
    });
  };
}
