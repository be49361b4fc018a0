/**
 * Safe secrets by default. The config loader and `createServer` both run these checks, so every way of
 * starting the server (the CLI, the demo, a library user's own code) passes them.
 */

/** Shortest site secret (`secret`, `agentKey`, `serverKey`) accepted, in UTF-8 bytes (256 bits). */
export const MIN_SECRET_BYTES = 32;

/**
 * The example secrets Omnikit ships (server/omnikit.config.json): they are public, so they protect
 * nothing. Any value saying "change me" counts as one too.
 */
export const EXAMPLE_SECRETS: readonly string[] = [
  'demo-secret-change-me',
  'demo-agent-key-change-me',
  'demo-server-key-change-me',
];

/** Fewer distinct characters than this is a placeholder (`xxxx…`, `0000…`), whatever its length. */
const MIN_DISTINCT_CHARACTERS = 8;

/** How to make a good secret: every refusal says it. */
export const HOW_TO_MAKE_A_SECRET =
  'generate one with `openssl rand -base64 32` or ' +
  "`node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\"`";

const SECRET_FIELDS = ['secret', 'agentKey', 'serverKey'] as const;
/** Every key that picks or proves a site: the public write key included, so no secret may equal it. */
const KEY_FIELDS = ['writeKey', ...SECRET_FIELDS] as const;

type KeyField = (typeof KEY_FIELDS)[number];

/** The keys of a site, as `Site` holds them. */
export type SiteKeys = { [field in KeyField]?: string | undefined };

/** A site key the server refuses to start with. */
export class UnsafeSecretError extends Error {
  override name = 'UnsafeSecretError';
}

/** Options of `checkSiteKeys`. */
export interface SecretPolicy {
  /**
   * The local demo: accepts the shipped example secrets and short ones. Keys must still be unique.
   * Never set it for a server anyone else can reach.
   */
  demo?: boolean;
}

/**
 * Throws an Error naming the first bad key (`sites[1].agentKey …`, never its value): an example or
 * placeholder secret, or one shorter than MIN_SECRET_BYTES (both allowed for the demo), or any two
 * keys, of one site or of two, that are equal.
 */
export function checkSiteKeys(sites: readonly SiteKeys[], policy: SecretPolicy = {}): void {
  const seen = new Map<string, string>();
  sites.forEach((site, index) => {
    for (const field of KEY_FIELDS) {
      const value = site[field];
      if (typeof value !== 'string') continue;
      const where = `sites[${index}].${field}`;
      if (field !== 'writeKey' && policy.demo !== true) checkStrength(value, where);
      const other = seen.get(value);
      if (other !== undefined) {
        throw new UnsafeSecretError(
          `${where} must be unique, but it equals ${other}: a key names one site, and a leak of one key ` +
            `must not be a leak of another; ${HOW_TO_MAKE_A_SECRET}`,
        );
      }
      seen.set(value, where);
    }
  });
}

/**
 * Checks a server-wide secret (the metrics token) as a site secret is checked: strong unless
 * `policy.demo`, and equal to no key of any site, so a leak of one is never a leak of the other.
 * Throws an UnsafeSecretError naming `where`, never the value.
 */
export function checkServerSecret(
  value: string,
  where: string,
  sites: readonly SiteKeys[],
  policy: SecretPolicy = {},
): void {
  if (policy.demo !== true) checkStrength(value, where);
  sites.forEach((site, index) => {
    for (const field of KEY_FIELDS) {
      if (site[field] !== value) continue;
      throw new UnsafeSecretError(
        `${where} must be unique, but it equals sites[${index}].${field}; ${HOW_TO_MAKE_A_SECRET}`,
      );
    }
  });
}

function checkStrength(value: string, where: string): void {
  if (EXAMPLE_SECRETS.includes(value) || /change[\s_.-]*me/i.test(value)) {
    throw new UnsafeSecretError(
      `${where} must be a secret of your own, not an example shipped with Omnikit (anyone can read it); ` +
        `${HOW_TO_MAKE_A_SECRET}. To try Omnikit locally with the example config, run \`npm run demo\``,
    );
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new UnsafeSecretError(
      `${where} must be a secret of at least ${MIN_SECRET_BYTES} bytes, not ${bytes}; ${HOW_TO_MAKE_A_SECRET}`,
    );
  }
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) {
    throw new UnsafeSecretError(
      `${where} must be a random secret, not a placeholder of fewer than ${MIN_DISTINCT_CHARACTERS} ` +
        `distinct characters; ${HOW_TO_MAKE_A_SECRET}`,
    );
  }
}
