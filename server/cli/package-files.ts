import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This file sits one folder below the package root (server/cli/), as the built CLI does
// (server/dist/): so `..` is the package root both when run from source and when installed.
const packageRoot = new URL('..', import.meta.url);

/** A file shipped at the root of the server's package (its example config, schema, package.json). */
export function packageFile(name: string): string {
  return fileURLToPath(new URL(name, packageRoot));
}

/** The version of the installed server package. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

/** The config file `omnikit-server init` writes, and `start` reads when OMNIKIT_CONFIG is unset. */
export const DEFAULT_CONFIG_FILE = 'omnikit.config.json';

/**
 * Which config file to start with: OMNIKIT_CONFIG, else `omnikit.config.json` in the working
 * directory, else (for `OMNIKIT_DEMO=1` only) the example config shipped with the package, whose
 * public secrets only a demo may use. `undefined`: there is none.
 */
export function configFileToRead(env: NodeJS.ProcessEnv, demo: boolean): string | undefined {
  if (env.OMNIKIT_CONFIG) return env.OMNIKIT_CONFIG;
  if (existsSync(DEFAULT_CONFIG_FILE)) return DEFAULT_CONFIG_FILE;
  return demo ? packageFile('omnikit.config.json') : undefined;
}
