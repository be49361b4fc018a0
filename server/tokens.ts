import { createHash, randomBytes } from 'node:crypto';

/** A fresh secret of `bytes` random bytes, base64url (URL- and header-safe, no padding). */
export function newToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a token, hex. Only this is stored: a leaked database holds no usable token, and a plain
 * hash suffices because the tokens are long random secrets (no dictionary to try).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
