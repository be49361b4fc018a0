import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../config.ts';
import { fail } from './fail.ts';
import { DEFAULT_CONFIG_FILE, packageFile, packageVersion } from './package-files.ts';

/** `omnikit-server init --help`. */
export const INIT_USAGE = `omnikit-server init [--origin URL]... [--site ID] [--endpoint URL] [--out FILE] [--force]
  Writes a starter config (default ./${DEFAULT_CONFIG_FILE}) for one site with freshly generated
  secrets, and prints the script tag to paste on the site's pages.
  --origin    an origin the site's pages are served from (repeat for several; default http://localhost:3000)
  --site      the site's id (default shop)
  --endpoint  the server's public URL, for the script tag (default http://HOST:PORT of this shell)
  --out       where to write the config
  --force     replace an existing file (its secrets are lost)`;

/** 32 random bytes: the strength the server asks of every secret (MIN_SECRET_BYTES). */
const freshSecret = () => randomBytes(32).toString('base64url');

/**
 * `omnikit-server init`: a config a shop can start from, never with the demo's public secrets, and
 * the script tag that talks to it. Refuses to overwrite a config unless `--force`.
 */
export function init(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const options = readOptions(args);
  const file = resolve(options.out);
  if (existsSync(file) && !options.force)
    fail(`${options.out} exists; keeping it (--force replaces it, and its secrets are lost)`);
  const writeKey = `wk_${randomBytes(12).toString('base64url')}`;
  const config = {
    // Editors complete and check the file against the schema the package ships.
    $schema: relative(dirname(file), packageFile('omnikit.config.schema.json')),
    sites: [
      {
        id: options.site,
        writeKey,
        origins: options.origins,
        secret: freshSecret(),
        agentKey: freshSecret(),
        serverKey: freshSecret(),
      },
    ],
  };
  // The same checks as at start: a bad --origin or --site fails here, not when the server starts.
  try {
    validateConfig(config, dirname(file));
  } catch (error) {
    fail((error as Error).message);
  }
  // Only its owner reads it: it holds the secrets.
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const endpoint = options.endpoint ?? `http://${env.HOST || '127.0.0.1'}:${env.PORT || 8787}`;
  console.log(`Wrote ${options.out}: site "${options.site}" with fresh secrets (keep the file out of git,
or move the secrets into the environment as "\${NAME}": see the config docs).

Start the server here with: omnikit-server   (PORT, HOST, DATA_DIR or DATABASE_URL set where it runs)

Paste on the site's pages (served from ${options.origins.join(', ')}):
<script async src="https://cdn.jsdelivr.net/npm/omnikit@${packageVersion()}/dist/omnikit.js"
  data-endpoint="${endpoint}" data-write-key="${writeKey}"></script>`);
}

function readOptions(args: string[]) {
  try {
    const { values } = parseArgs({
      args,
      options: {
        origin: { type: 'string', multiple: true },
        site: { type: 'string', default: 'shop' },
        endpoint: { type: 'string' },
        out: { type: 'string', default: DEFAULT_CONFIG_FILE },
        force: { type: 'boolean', default: false },
      },
      strict: true,
    });
    return {
      origins: values.origin ?? ['http://localhost:3000'],
      site: values.site as string,
      endpoint: values.endpoint,
      out: values.out as string,
      force: values.force as boolean,
    };
  } catch (error) {
    fail(`${(error as Error).message}\n${INIT_USAGE}`);
  }
}
