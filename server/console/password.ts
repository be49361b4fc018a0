import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords as `scrypt$N$r$p$<salt base64>$<hash base64>`: node:crypto's scrypt, so the server
 * needs no native dependency for it, with its cost written in the hash so it can be raised later
 * without invalidating older hashes.
 */

/** The cost of new hashes: N = 2^15 (OWASP's minimum for scrypt), r = 8, p = 1: ~50 ms, 32 MiB. */
export const SCRYPT_COST = { N: 32768, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Largest cost a config may ask for: a typo must not make every login take seconds or exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** A parsed password hash. */
export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The format a config's `passwordHash` must have, for error messages. */
export const PASSWORD_HASH_FORMAT =
  'scrypt$N$r$p$<salt base64>$<hash base64>, as `omnikit-server hash-password` prints it';

/** Parses a stored hash; null when it is not one this server can verify. */
export function parsePasswordHash(text: string): PasswordHash | null {
  const match = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(text);
  if (!match) return null;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // N must be a power of two above 1 (scrypt's own rule).
  const costOk = N > 1 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P;
  const salt = Buffer.from(match[4], 'base64');
  const hash = Buffer.from(match[5], 'base64');
  if (!costOk || salt.length < 8 || hash.length < 16) return null;
  return { N, r, p, salt, hash };
}

/** Hashes a password with a fresh random salt, at SCRYPT_COST. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT_COST;
  const hash = await derive(password, { N, r, p, salt, hash: Buffer.alloc(KEY_BYTES) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether `password` matches `stored`; compared in constant time. */
export async function verifyPassword(stored: PasswordHash, password: string): Promise<boolean> {
  const derived = await derive(password, stored);
  return timingSafeEqual(derived, stored.hash);
}

/**
 * A hash no password matches, at the cost of a real one: a login for an unknown name verifies
 * against it, so it takes as long as a wrong password does and the answer's timing names no account.
 */
export const DUMMY_HASH: PasswordHash = {
  ...SCRYPT_COST,
  salt: randomBytes(SALT_BYTES),
  hash: randomBytes(KEY_BYTES),
};

function derive(password: string, stored: PasswordHash): Promise<Buffer> {
  const { N, r, p } = stored;
  // scrypt needs 128·N·r bytes; node's default cap (32 MiB) is exactly SCRYPT_COST's, so give room.
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), stored.salt, stored.hash.length, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
