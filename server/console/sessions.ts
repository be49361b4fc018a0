import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { ProtocolDeps } from '../deps.ts';
import type { Site } from '../sites.ts';
import type { StaffSession } from '../store/staff-session-types.ts';
import { sessionIdOf } from './cookie.ts';
import type { StaffAccount } from './staff-config.ts';

/** How long a sign-in lasts, whatever is done meanwhile: a working day, then the password again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A signed-in staff member, as a request finds them. */
export interface SignedIn {
  site: Site;
  account: StaffAccount;
  /** The session id from the cookie (its hash is what the database holds). */
  id: string;
  session: StaffSession;
}

/** A fresh session id: 256 random bits, base64url (43 characters). */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of an id: its sha256, so a copy of the table opens no console. */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * The CSRF token of a session: derived from its id, so the server stores nothing more and checks it
 * on every request; a page of another origin can read neither the HttpOnly cookie nor this token.
 */
export function csrfTokenOf(id: string): string {
  return createHash('sha256').update(`omnikit console csrf\0${id}`, 'utf8').digest('base64url');
}

/** Whether `given` is the CSRF token of session `id`, compared in constant time. */
export function csrfTokenMatches(id: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(id));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** What a session remembers of its account's password: a digest of its hash, never the hash itself. */
function credentialOf(account: StaffAccount): string {
  return createHash('sha256').update(account.passwordHash, 'utf8').digest('base64url');
}

/** Opens a session for `account` of `site`; returns its id, for the cookie. */
export async function openSession(deps: ProtocolDeps, site: Site, account: StaffAccount): Promise<string> {
  const id = newSessionId();
  const now = deps.now();
  await deps.store.createStaffSession({
    idHash: sessionIdHash(id),
    siteId: site.id,
    staffName: account.name,
    role: account.role,
    credential: credentialOf(account),
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  });
  return id;
}

/**
 * The staff member whose session cookie the request carries, or null: no cookie, an unknown or
 * ended session, or one whose account left the config or changed role or password since (that session is
 * deleted: the config is the list of who may sign in, checked on every request).
 */
export async function signedIn(context: Context, deps: ProtocolDeps): Promise<SignedIn | null> {
  const id = sessionIdOf(context.req.header('cookie'));
  if (id === undefined) return null;
  const session = await deps.store.findStaffSession(sessionIdHash(id), deps.now());
  if (!session) return null;
  const site = deps.sites.byId(session.siteId);
  const account = site?.staff?.find((staff) => staff.name === session.staffName);
  if (!site || !account || account.role !== session.role || credentialOf(account) !== session.credential) {
    await deps.store.deleteStaffSession(session.idHash);
    return null;
  }
  return { site, account, id, session };
}
