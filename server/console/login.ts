import type { Context, Handler } from 'hono';
import { readJsonObject } from '../body.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Site } from '../sites.ts';
import { clearedCookie, sessionCookie, sessionIdOf } from './cookie.ts';
import { DUMMY_HASH, parsePasswordHash, verifyPassword } from './password.ts';
import { requireSession } from './require-staff.ts';
import { fromOwnOrigin } from './same-origin.ts';
import { csrfTokenOf, openSession, SESSION_TTL_MS, type SignedIn, sessionIdHash } from './sessions.ts';
import { MAX_STAFF_NAME_LENGTH, type StaffAccount } from './staff-config.ts';

/** A login body is tiny: a name and a password. */
const MAX_LOGIN_BYTES = 4096;
const MAX_PASSWORD_LENGTH = 1024;

/** The answer of login and of GET /console/api/session: who is signed in, and the CSRF token to send. */
export interface ConsoleSession {
  name: string;
  role: StaffAccount['role'];
  site: string;
  csrfToken: string;
  /** When the session ends (ms, server clock): then the console asks for the password again. */
  expiresAt: number;
}

const answer = (staff: Pick<SignedIn, 'site' | 'account' | 'id'>, expiresAt: number): ConsoleSession => ({
  name: staff.account.name,
  role: staff.account.role,
  site: staff.site.id,
  csrfToken: csrfTokenOf(staff.id),
  expiresAt,
});

/**
 * `POST /console/api/login` `{name, password}`: 200 with the session and its cookie, or 401
 * `invalid_login` for a wrong password and an unknown name alike (an unknown name is checked against
 * a dummy hash, so both take as long). Rate-limited per address and per name before the password is
 * checked (429 `login_rate_limited`); a page of another origin gets 403 (login CSRF: it would sign
 * the victim in to the attacker's account).
 */
export function loginHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    if (!fromOwnOrigin(context)) {
      throw new ApiError(403, 'cross_origin', 'Sign in from the console page itself');
    }
    const { name, password } = await readJsonObject(context, MAX_LOGIN_BYTES);
    if (
      typeof name !== 'string' ||
      name.length > MAX_STAFF_NAME_LENGTH ||
      typeof password !== 'string' ||
      password.length > MAX_PASSWORD_LENGTH
    ) {
      throw new ApiError(400, 'invalid_body', 'Send {"name": "…", "password": "…"}');
    }
    deps.limits.enforceLogin(deps.limits.client(context), name);
    const found = accountNamed(deps.sites.all(), name);
    const stored = found ? parsePasswordHash(found.account.passwordHash) : null;
    const matches = await verifyPassword(stored ?? DUMMY_HASH, password);
    if (!found || !stored || !matches) throw new ApiError(401, 'invalid_login', 'Wrong name or password');
    // A session this browser still had is replaced, not left behind in the database.
    const previous = sessionIdOf(context.req.header('cookie'));
    if (previous !== undefined) await deps.store.deleteStaffSession(sessionIdHash(previous));
    const id = await openSession(deps, found.site, found.account);
    context.header('Set-Cookie', sessionCookie(id, SESSION_TTL_MS, deps.limits.overTls(context)));
    context.header('Cache-Control', 'no-store');
    return context.json(answer({ ...found, id }, deps.now() + SESSION_TTL_MS));
  };
}

/** `GET /console/api/session`: who is signed in (401 when nobody), with the CSRF token. */
export function sessionHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const staff = await requireSession(context, deps);
    context.header('Cache-Control', 'no-store');
    return context.json(answer(staff, staff.session.expiresAt));
  };
}

/** `POST /console/api/logout` (CSRF token): ends the session in the database, for every process; 204. */
export function logoutHandler(deps: ProtocolDeps): Handler {
  return async (context: Context) => {
    const staff = await requireSession(context, deps);
    await deps.store.deleteStaffSession(sessionIdHash(staff.id));
    context.header('Set-Cookie', clearedCookie(deps.limits.overTls(context)));
    return context.body(null, 204);
  };
}

function accountNamed(
  sites: readonly Site[],
  name: string,
): { site: Site; account: StaffAccount } | undefined {
  for (const site of sites) {
    const account = site.staff?.find((staff) => staff.name === name);
    if (account) return { site, account };
  }
  return undefined;
}
