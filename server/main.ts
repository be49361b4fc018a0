/**
 * The `omnikit-server` command (`tsx server/main.ts` in this repository):
 *   omnikit-server [start]   runs the server (environment: see cli/start.ts)
 *   omnikit-server init      writes a starter config with fresh secrets (see cli/init.ts)
 *   omnikit-server hash-password   a staff password from stdin, hashed for the config
 */
import { fail } from './cli/fail.ts';
import { HASH_PASSWORD_USAGE, hashPasswordCommand } from './cli/hash-password.ts';
import { INIT_USAGE, init } from './cli/init.ts';
import { packageVersion } from './cli/package-files.ts';
import { start } from './cli/start.ts';

const USAGE = `Usage: omnikit-server [start]   run the server
  Environment: PORT (8787), HOST (127.0.0.1), DATA_DIR (./data, SQLite) or DATABASE_URL
  (postgres://…), OMNIKIT_CONFIG (./omnikit.config.json), LOG_LEVEL (info), OMNIKIT_DEMO=1
  (the example config with its public secrets, on 127.0.0.1 only).
${INIT_USAGE}
${HASH_PASSWORD_USAGE}
omnikit-server --version`;

const [command = 'start', ...args] = process.argv.slice(2);
if (command === 'start' && args.length === 0) await start();
else if (command === 'init') init(args);
else if (command === 'hash-password') await hashPasswordCommand(args);
else if (command === '--version' || command === '-v') console.log(packageVersion());
else if (command === '--help' || command === '-h' || command === 'help') console.log(USAGE);
else fail(`unknown command "${[command, ...args].join(' ')}"\n${USAGE}`);
