import { hashPassword } from '../console/password.ts';
import { EXAMPLE_PASSWORDS } from '../console/staff-config.ts';
import { fail } from './fail.ts';

/** `omnikit-server hash-password --help`. */
export const HASH_PASSWORD_USAGE = `omnikit-server hash-password
  Reads a staff member's password from stdin and prints its hash, for a site's "staff" in the
  config: { "name": "…", "role": "agent" | "associate", "passwordHash": "<the line printed>" }.
  From a shell without echoing it: read -rs PW && printf %s "$PW" | omnikit-server hash-password`;

/** Shorter than this is refused: the hash is only as strong as the password (NIST SP 800-63B asks 8+; more here, for staff who see every customer). */
const MIN_PASSWORD_LENGTH = 12;

/**
 * `omnikit-server hash-password`: the password from stdin (one trailing newline dropped, so
 * `echo` works), its scrypt hash on stdout. The password never goes on the command line, where
 * the shell history and `ps` would keep it.
 */
export async function hashPasswordCommand(
  args: string[],
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  if (args.length > 0)
    fail(`hash-password takes no arguments: the password comes from stdin\n${HASH_PASSWORD_USAGE}`);
  if ('isTTY' in input && input.isTTY) console.error('Password (then Enter and Ctrl-D):');
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH) {
    fail(`the password must have at least ${MIN_PASSWORD_LENGTH} characters, not ${password.length}`);
  }
  if (EXAMPLE_PASSWORDS.includes(password)) {
    fail("that is the demo accounts' example password, which anyone can read: choose one of your own");
  }
  console.log(await hashPassword(password));
}
