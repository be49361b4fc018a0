import type { Context } from 'hono';
import { hasBearer } from '../auth.ts';
import { sessionIdOf } from '../console/cookie.ts';
import { requireSession } from '../console/require-staff.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { noteSite } from '../request-site.ts';
import { requireServerKey } from '../server-key.ts';
import type { Site } from '../sites.ts';

/** Staff in the store, as far as a request proves it: the site, and who to name as the sale's maker. */
export interface StoreStaff {
  site: Site;
  /** Recorded with a code a sale used (`claimed_by`): `staff:<name>`, or `server-key` for a program. */
  by: string;
}

/**
 * Who a store request acts for: an associate signed in to the console (the session's origin and
 * CSRF checks as for the agent API), or the shop's own systems with the site's server key (a till's
 * back end). Reading a customer's cart by the code they show, and selling it, is the shop's work:
 * never a device's, a support agent's or the public write key's.
 */
export async function authenticateStaff(context: Context, deps: ProtocolDeps): Promise<StoreStaff> {
  if (hasBearer(context)) {
    return { site: requireServerKey(context.req.raw, deps.sites), by: 'server-key' };
  }
  if (sessionIdOf(context.req.header('cookie')) === undefined) {
    throw new ApiError(
      401,
      'missing_server_key',
      'Sign in at /console as an associate, or send "Authorization: Bearer <serverKey>"',
    );
  }
  const staff = await requireSession(context, deps);
  if (staff.account.role !== 'associate') {
    throw new ApiError(
      403,
      'forbidden_role',
      `This needs the associate role; "${staff.account.name}" is signed in as ${staff.account.role}`,
    );
  }
  return { site: noteSite(context.req.raw, staff.site), by: `staff:${staff.account.name}` };
}
