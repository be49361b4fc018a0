import { scryptSync, timingSafeEqual } from 'node:crypto';
import { type SecretPolicy, UnsafeSecretError } from '../secrets.ts';
import { PASSWORD_HASH_FORMAT, parsePasswordHash } from './password.ts';

/** What a staff account may do: `agent` answers conversations and reads the 360° view; `associate` works the store. */
export type StaffRole = 'agent' | 'associate';

export const STAFF_ROLES: readonly StaffRole[] = ['agent', 'associate'];

/** A person who signs in to the console (a site's `staff` in the config). */
export interface StaffAccount {
  /** The login name, unique across the whole config: the login form asks for no site. */
  name: string;
  role: StaffRole;
  /** `scrypt$N$r$p$salt$hash` (see password.ts); never the password itself. */
  passwordHash: string;
}

/**
 * The example passwords of the shipped config's demo accounts: public, so like EXAMPLE_SECRETS they
 * are refused outside the demo. Checked by hashing them with each account's salt, so the example
 * hashed again with a fresh salt is refused too.
 */
export const EXAMPLE_PASSWORDS: readonly string[] = ['demo-password-change-me'];

/** Longest staff name: the login refuses longer ones before counting them. */
export const MAX_STAFF_NAME_LENGTH = 100;
const FIELDS = ['name', 'role', 'passwordHash'];

/** Validates a site's `staff` array; throws naming the bad field (`sites[0].staff[1].role …`). */
export function checkStaff(raw: unknown, where: string): StaffAccount[] {
  if (!Array.isArray(raw)) {
    throw new Error(
      `${where} must be an array like [{ "name": "ada", "role": "agent", "passwordHash": "scrypt$…" }]`,
    );
  }
  return raw.map((entry: unknown, index): StaffAccount => {
    const at = `${where}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new Error(`${at} must be an object`);
    const unknown = Object.keys(entry).find((key) => !FIELDS.includes(key));
    if (unknown) throw new Error(`${at}.${unknown} is not a staff field; known: ${FIELDS.join(', ')}`);
    const { name, role, passwordHash } = entry as Record<string, unknown>;
    // Control characters would let a name forge log lines; the name is shown in the console too.
    if (
      typeof name !== 'string' ||
      !/^[^\p{Cc}\s][^\p{Cc}]*$/u.test(name) ||
      name.length > MAX_STAFF_NAME_LENGTH
    ) {
      throw new Error(
        `${at}.name must be a non-empty string of at most ${MAX_STAFF_NAME_LENGTH} characters, without control characters or a leading space`,
      );
    }
    if (!STAFF_ROLES.includes(role as StaffRole)) {
      throw new Error(`${at}.role must be one of ${STAFF_ROLES.map((r) => `"${r}"`).join(', ')}`);
    }
    if (typeof passwordHash !== 'string' || !parsePasswordHash(passwordHash)) {
      throw new Error(`${at}.passwordHash must be ${PASSWORD_HASH_FORMAT} (never the password itself)`);
    }
    return { name, role: role as StaffRole, passwordHash };
  });
}

/**
 * Across every site: a staff name names one account (the login form asks only for the name), and
 * outside the demo no account may keep a shipped example password. Throws an UnsafeSecretError for
 * an example password, an Error for a repeated name.
 */
export function checkSitesStaff(
  sites: readonly { staff?: readonly StaffAccount[] }[],
  policy: SecretPolicy = {},
): void {
  const seen = new Map<string, string>();
  sites.forEach((site, siteIndex) => {
    // Sites given to createServer directly were never read by the config loader.
    if (site.staff !== undefined) checkStaff(site.staff, `sites[${siteIndex}].staff`);
    site.staff?.forEach((account, index) => {
      const where = `sites[${siteIndex}].staff[${index}]`;
      const other = seen.get(account.name);
      if (other !== undefined) {
        throw new Error(
          `${where}.name "${account.name}" is used by ${other}: a staff name names one account`,
        );
      }
      seen.set(account.name, where);
      if (policy.demo !== true && hasExamplePassword(account.passwordHash)) {
        throw new UnsafeSecretError(
          `${where}.passwordHash is the hash of an example password shipped with Omnikit (anyone can read it): ` +
            'choose a password of your own and hash it with `omnikit-server hash-password`. To try Omnikit ' +
            'locally with the example config, run `npm run demo`',
        );
      }
    });
  });
}

/**
 * What each hash was found to be: checking one costs a scrypt (~0.1 s, blocking), and a config
 * reloaded (SIGHUP) checks again every account it lists, nearly always the same hashes.
 */
const exampleHashes = new Map<string, boolean>();

function hasExamplePassword(passwordHash: string): boolean {
  let found = exampleHashes.get(passwordHash);
  if (found === undefined) {
    found = hashesAnExample(passwordHash);
    exampleHashes.set(passwordHash, found);
  }
  return found;
}

function hashesAnExample(passwordHash: string): boolean {
  const stored = parsePasswordHash(passwordHash);
  if (!stored) return false;
  const { N, r, p, salt, hash } = stored;
  return EXAMPLE_PASSWORDS.some((example) =>
    timingSafeEqual(
      scryptSync(example.normalize('NFC'), salt, hash.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }),
      hash,
    ),
  );
}
