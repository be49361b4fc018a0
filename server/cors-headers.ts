import type { Context } from 'hono';

/** Origins whose headers are kept; past it the oldest goes (a site allowing `*` sees any origin). */
const KEPT_ORIGINS = 1_000;

const byOrigin = new Map<string, Readonly<Record<string, string>>>();
const withoutOrigin: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json',
  Vary: 'Origin',
});

/** Answers built with their CORS headers already: cors() leaves them as they are. */
const complete = new WeakSet<Response>();

/**
 * The headers of a JSON answer to a page on `origin`, CORS included (the same ones cors() adds to
 * any other answer), made once per origin. A plain object, so @hono/node-server writes the answer
 * straight from it: adding headers to a finished answer (`context.header` after the handler) makes
 * it build a whole web Response and stream the body out of it, the largest cost of a /v1/sync call.
 */
export function jsonHeaders(origin: string | undefined): Readonly<Record<string, string>> {
  if (origin === undefined) return withoutOrigin;
  let headers = byOrigin.get(origin);
  if (!headers) {
    headers = Object.freeze({
      'Content-Type': 'application/json',
      Vary: 'Origin',
      'Access-Control-Allow-Origin': origin,
      // The client must read Retry-After on a 429/503 to back off as told.
      'Access-Control-Expose-Headers': 'Retry-After',
    });
    if (byOrigin.size >= KEPT_ORIGINS) byOrigin.delete(byOrigin.keys().next().value as string);
    byOrigin.set(origin, headers);
  }
  return headers;
}

/** A 200 JSON answer carrying its CORS headers, for a hot route (see jsonHeaders). */
export function jsonAnswer(context: Context, value: unknown): Response {
  const answer = new Response(JSON.stringify(value), {
    status: 200,
    headers: jsonHeaders(context.req.header('origin')),
  });
  complete.add(answer);
  return answer;
}

/** Whether `answer` was made by jsonAnswer, with every CORS header it needs. */
export const hasCorsHeaders = (answer: Response): boolean => complete.has(answer);
