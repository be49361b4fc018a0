import { createHash } from 'node:crypto';

/**
 * How a receipt and a suppression name their subject: hex SHA-256 of a fixed label, the site id and
 * the userId, separated by U+0000 (which neither may hold), so `("a", "b\u0000c")` and
 * `("a\u0000b", "c")` cannot collide and a hash of one site never matches another's.
 *
 * SHA-256, not an HMAC: a suppression must hold for good, and an HMAC's key (a site secret) gets
 * rotated, after which the stored hashes would match nothing and an erased customer's events would
 * be stored again. The cost, stated in docs/protocol.md §8: whoever holds a copy of the database and
 * *guesses* a userId (an email address, say) can check whether it was erased or suppressed; the hash
 * never gives the userId back to someone who does not already have it.
 */
export function subjectHash(siteId: string, subject: string): string {
  return createHash('sha256').update(`omnikit-erasure\u0000${siteId}\u0000${subject}`, 'utf8').digest('hex');
}
