/** The console's session cookie: what it is called, how it is set, cleared and read. */

/** Its name. Not `__Host-`: that prefix needs Secure, and a console on plain http (the demo) must work too. */
export const SESSION_COOKIE = 'omnikit_console';

/**
 * `Set-Cookie` of a new session: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it), Path=/ (the console's page and the agent API both need it), no Domain (this host
 * only), Secure when the request came over TLS. Max-Age ends it in the browser when the server does.
 */
export function sessionCookie(id: string, maxAgeMs: number, secure: boolean): string {
  const attributes = ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (secure) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${id}`, ...attributes].join('; ');
}

/** `Set-Cookie` that removes it (logout, or a session the server no longer knows). */
export function clearedCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** The session id of a `Cookie` header, or undefined; ids are base64url, so anything else is none. */
export function sessionIdOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    const id = value.join('=');
    if (/^[A-Za-z0-9_-]{43}$/.test(id)) return id;
  }
  return undefined;
}
