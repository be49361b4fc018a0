import { writeCookie } from '../identity/cookie.ts';
import { emptyKv, type Kv } from '../storage/kv.ts';
import { wipeLocal } from '../storage/local.ts';

/**
 * Removes what the tracker keeps on this device: the anonymous id's cookie (on `cookieDomain` when
 * set), its localStorage keys, and the entries of its store `kv` (consent withdrawn).
 */
export function wipeTracker(cookieDomain: string | undefined, kv: Kv | undefined): void {
  writeCookie('', cookieDomain, 0);
  wipeLocal();
  if (kv) void emptyKv(kv);
}
