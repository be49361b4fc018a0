import type { Handler } from 'hono';
import {
  CART_DOC,
  RESUME_PARAM,
  RESUME_TTL_DEFAULT_HOURS,
  RESUME_TTL_MAX_HOURS,
  type ResumeAnswer,
  type ResumeLinkCreated,
} from '../../src/protocol/index.ts';
import { authenticate } from '../auth.ts';
import { readJsonObject } from '../body.ts';
import { cartLinesOf } from '../cart-lines.ts';
import type { ProtocolDeps } from '../deps.ts';
import { userIdOfPath } from '../erasure/user-id.ts';
import { ApiError } from '../errors.ts';
import { requireServerKey } from '../server-key.ts';
import { refuseSuppressed } from '../shop-state/write.ts';
import type { Site } from '../sites.ts';
import { signResume, verifyResume } from './token.ts';

const HOUR_MS = 3_600_000;

/**
 * `POST /v1/profiles/{userId}/resume-links` (server key): a signed link to the customer's cart, for
 * an abandoned-cart email or SMS, working `ttlHours` (default 72). It opens `url` (a page of one of
 * the site's origins, so no link leads elsewhere; default its first origin) and offers the cart's
 * lines as they are then: a copy, no access to the account.
 */
export function resumeLinkHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = requireServerKey(context.req.raw, deps.sites);
    const userId = userIdOfPath(context, '/resume-links');
    const body = await readJsonObject(context, 4096);
    const page = linkPage(site, body.url);
    const { ttlHours = RESUME_TTL_DEFAULT_HOURS } = body;
    if (
      !Number.isInteger(ttlHours) ||
      (ttlHours as number) < 1 ||
      (ttlHours as number) > RESUME_TTL_MAX_HOURS
    ) {
      throw new ApiError(
        400,
        'invalid_resume_link',
        `"ttlHours" must be a whole number of 1 to ${RESUME_TTL_MAX_HOURS}`,
      );
    }
    await refuseSuppressed(deps, site.id, userId);
    const profile = await deps.store.userProfile(site.id, userId);
    const expires = deps.now() + (ttlHours as number) * HOUR_MS;
    page.hash = `${RESUME_PARAM}=${signResume(site.serverKey as string, { site: site.id, profile, expires })}`;
    const created: ResumeLinkCreated = { link: page.href, expiresAt: new Date(expires).toISOString() };
    return context.json(created, 201);
  };
}

/** The page a link opens: `url` when it is on one of the site's origins, else a 400. */
function linkPage(site: Site, url: unknown): URL {
  const origins = site.origins.filter((origin) => origin !== '*');
  let page: URL | undefined;
  try {
    page = new URL(url === undefined ? `${origins[0]}/` : String(url));
  } catch {}
  if (!page || !origins.includes(page.origin)) {
    throw new ApiError(
      400,
      'invalid_resume_link',
      `"url" must be a page of one of the site's origins (${origins.join(', ')})`,
    );
  }
  return page;
}

/**
 * `POST /v1/resume` (Bearer): the cart lines the resume link's token offers, live now. A token that
 * is not this site's (changed, cut, made up) is a 400 `invalid_resume_token`, an expired one a 410
 * `resume_link_expired`; tries share the handoff claims' budget, as both answer "is this token good?".
 */
export function resumeHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { device, site } = await authenticate(context, deps);
    deps.limits.enforce(site.id, 'handoffClaims', device.id);
    const { token } = await readJsonObject(context, 4096);
    const claim =
      typeof token === 'string' && site.serverKey
        ? verifyResume(site.serverKey, token, deps.now())
        : 'tampered';
    if (claim === 'expired')
      throw new ApiError(410, 'resume_link_expired', 'This link has expired: ask for a new one');
    if (claim === 'tampered' || claim.site !== site.id) {
      throw new ApiError(
        400,
        'invalid_resume_token',
        'This link is not valid: it was changed, or is not this shop’s',
      );
    }
    const records = await deps.store.liveRecords(site.id, claim.profile, CART_DOC);
    const answer: ResumeAnswer = {
      lines: cartLinesOf(records),
      expiresAt: new Date(claim.expires).toISOString(),
    };
    return context.json(answer);
  };
}
