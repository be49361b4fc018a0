import type { Context } from 'hono';
import { authenticateAgent } from '../agent/auth.ts';
import { hasBearer } from '../auth.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { noteSite } from '../request-site.ts';
import type { Site } from '../sites.ts';
import { sessionIdOf } from './cookie.ts';
import { fromOwnOrigin } from './same-origin.ts';
import { csrfTokenMatches, type SignedIn, signedIn } from './sessions.ts';
import type { StaffRole } from './staff-config.ts';

/** The header a console page sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = ['GET', 'HEAD'];

/**
 * The site a staff-only request acts for, or a refusal. Two ways in: the site's agent key
 * (`Authorization: Bearer`, for programs; it opens the `agent` role's routes only), or a console
 * session cookie whose account has `role`. A session's request must come from the console's own
 * origin, and anything but GET must carry the session's CSRF token too. 401 without either, 403
 * for the wrong role, a foreign origin or a missing token.
 */
export async function requireStaff(context: Context, deps: ProtocolDeps, role: StaffRole): Promise<Site> {
  if (hasBearer(context)) {
    if (role !== 'agent') throw new ApiError(403, 'forbidden_role', 'The agent key opens only the agent API');
    return authenticateAgent(context, deps);
  }
  const staff = await requireSession(context, deps);
  if (staff.account.role !== role) {
    throw new ApiError(
      403,
      'forbidden_role',
      `This needs the ${role} role; "${staff.account.name}" is signed in as ${staff.account.role}`,
    );
  }
  return noteSite(context.req.raw, staff.site);
}

/**
 * The signed-in staff member of a console request, any role, with the same origin and CSRF checks
 * as requireStaff; 401 `missing_agent_key` without a session (the agent API's code: either opens it).
 */
export async function requireSession(context: Context, deps: ProtocolDeps): Promise<SignedIn> {
  const staff = await signedIn(context, deps);
  if (!staff && sessionIdOf(context.req.header('cookie')) !== undefined) {
    throw new ApiError(401, 'session_ended', 'Your console session has ended: sign in again at /console');
  }
  if (!staff) {
    throw new ApiError(
      401,
      'missing_agent_key',
      'Not signed in: sign in at /console, or send "Authorization: Bearer <agentKey>"',
    );
  }
  if (!fromOwnOrigin(context)) {
    throw new ApiError(403, 'cross_origin', 'A console session is only good on pages of its own origin');
  }
  if (
    !SAFE_METHODS.includes(context.req.method) &&
    !csrfTokenMatches(staff.id, context.req.header(CSRF_HEADER))
  ) {
    throw new ApiError(
      403,
      'invalid_csrf_token',
      'Missing or wrong X-CSRF-Token: send the csrfToken of GET /console/api/session',
    );
  }
  return staff;
}
