import { createHmac, randomInt } from 'node:crypto';
import { STORE_CODE_ALPHABET, STORE_CODE_LENGTH, STORE_CODE_QR_PREFIX } from '../../src/protocol/index.ts';
import type { Site } from '../sites.ts';

/** A fresh code: STORE_CODE_LENGTH characters of STORE_CODE_ALPHABET, each drawn uniformly. */
export function newStoreCode(): string {
  let code = '';
  for (let i = 0; i < STORE_CODE_LENGTH; i++)
    code += STORE_CODE_ALPHABET[randomInt(STORE_CODE_ALPHABET.length)];
  return code;
}

/**
 * The code in what staff typed or scanned: the QR code's text (`omnikit-store:7KQ4MZ`) or the six
 * characters in any case, with spaces or dashes; undefined when it cannot be a code.
 */
export function readStoreCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const code = input.replace(STORE_CODE_QR_PREFIX, '').replace(/[\s-]/g, '').toUpperCase();
  const valid = code.length === STORE_CODE_LENGTH && [...code].every((c) => STORE_CODE_ALPHABET.includes(c));
  return valid ? code : undefined;
}

/**
 * What is stored of a code: an HMAC keyed by the site's secrets, so a leaked database holds no usable
 * code and cannot be searched for one (six characters would be quick to try against a plain hash).
 */
export function storeCodeHash(site: Site, code: string): string {
  const key = `${site.id}\n${site.secret ?? ''}\n${site.serverKey ?? ''}\n${site.agentKey ?? ''}`;
  return createHmac('sha256', key).update(`omnikit store code\n${code}`).digest('hex');
}
