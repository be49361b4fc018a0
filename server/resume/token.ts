import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a resume link's token says: the site, the profile whose cart it offers, until when (ms). */
export interface ResumeClaim {
  site: string;
  profile: string;
  expires: number;
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

/**
 * The signing key of a site's resume links, derived from its server key (so only the shop's servers
 * make links, and rotating the key ends every link made with the old one).
 */
const keyOf = (serverKey: string) =>
  createHmac('sha256', serverKey).update('omnikit resume links v1').digest();

const signatureOf = (serverKey: string, payload: string) =>
  createHmac('sha256', keyOf(serverKey)).update(payload).digest();

/** A token `<payload>.<HMAC-SHA256 of it>`, both base64url: stateless, nothing stored. */
export function signResume(serverKey: string, claim: ResumeClaim): string {
  const payload = base64url(JSON.stringify([claim.site, claim.profile, claim.expires]));
  return `${payload}.${base64url(signatureOf(serverKey, payload))}`;
}

/**
 * The claim of `token` when its signature is the site's (`serverKey`) and it has not expired at
 * `now`; `tampered` for anything else that is not that site's token, `expired` past its time.
 */
export function verifyResume(
  serverKey: string,
  token: string,
  now: number,
): ResumeClaim | 'tampered' | 'expired' {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return 'tampered';
  const expected = signatureOf(serverKey, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'tampered';
  const [site, profile, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [
    string,
    string,
    number,
  ];
  return expires <= now ? 'expired' : { site, profile, expires };
}
