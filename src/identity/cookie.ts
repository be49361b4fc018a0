import { attempt } from '../core/env.ts';

// The anonymous id's first-party cookie, `omnikit_aid`, its name written out in both functions.

const MAX_AGE = 400 * 24 * 3600; // the longest lifetime browsers allow

/** Reads the anonymous id's first-party cookie; undefined when absent or cookies are blocked. */
export function readCookie(): string | undefined {
  return attempt(() => {
    const match = document.cookie.match(/(?:^|; )omnikit_aid=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : undefined;
  });
}

/**
 * Writes the anonymous id's first-party cookie, on `domain` when given so subdomains share it; a
 * `maxAge` of 0 removes it.
 */
export function writeCookie(value: string, domain?: string, maxAge = MAX_AGE): void {
  const scope = domain ? `; Domain=${domain}` : '';
  attempt(() => {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in Safari or Firefox.
    document.cookie = `omnikit_aid=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; SameSite=Lax${scope}${secure}`;
  });
}
