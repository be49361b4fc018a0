import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Omnikit-Signature';

/** How far a signature's time may be from the receiver's clock by default (Stripe's 5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `hex(HMAC-SHA256(secret, "<t>.<body>"))`: what `v1` holds (Stripe's scheme). */
function digest(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The `Omnikit-Signature` value of `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${digest(secret, timestamp, body)}`;
}

/** Options of `verifyWebhook`. */
export interface VerifyOptions {
  /** Largest gap, in seconds, between the signature's time and `now` (default 300); 0 turns it off. */
  toleranceSeconds?: number;
  /** The receiver's clock, ms (default `Date.now()`). */
  now?: number;
}

/**
 * Whether a webhook request is Omnikit's: `header` is its `Omnikit-Signature`, `rawBody` its body
 * exactly as received (before any JSON parsing: a re-serialised body has other bytes), `secret` the
 * webhook's. True when one `v1` signature matches (compared in constant time) and its time is within
 * the tolerance of now, so a captured request cannot be replayed later. Several `v1` may be present
 * (a secret being rotated); any other scheme is ignored. Never throws on a malformed header.
 */
export function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  options: VerifyOptions = {},
): boolean {
  if (typeof header !== 'string') return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (tolerance > 0 && Math.abs(nowSeconds - timestamp) > tolerance) return false;
  const expected = Buffer.from(digest(secret, timestamp, rawBody), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
