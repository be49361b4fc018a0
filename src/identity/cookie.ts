import { attempt } from '../core/env.ts';

const MAX_AGE = 400 * 24 * 3600; // the longest lifetime browsers allow

/** Reads a first-party cookie; undefined when absent or cookies are blocked. */
export function readCookie(name: string): string | undefined {
  return attempt(() => {
    const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
    return match ? decodeURIComponent(match[1]) : undefined;
  });
}

/** Writes a first-party cookie, on `domain` when given so subdomains share it. */
export function writeCookie(name: string, value: string, domain?: string): void {
  const secure = attempt(() => location.protocol === 'https:') ? '; Secure' : '';
  const scope = domain ? `; Domain=${domain}` : '';
  attempt(() => {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in Safari or Firefox.
    document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${MAX_AGE}; SameSite=Lax${scope}${secure}`;
  });
}
