/**
 * The credential of an `Authorization: Bearer <token>` header, or undefined without one. One rule for
 * every key the server takes (device token, server key, agent key, metrics token): the scheme in any
 * case, any whitespace around the token, and nothing after it.
 */
export function bearerToken(header: string | null | undefined): string | undefined {
  return BEARER.exec(header ?? '')?.[1];
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
