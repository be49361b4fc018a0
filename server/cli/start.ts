import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import {
  createServer,
  type Listening,
  loadConfig,
  type OmnikitServer,
  openPostgresStore,
  openSqliteStore,
  type ServerConfig,
  type Store,
} from '../index.ts';
import { UnsafeSecretError } from '../secrets.ts';
import { fail } from './fail.ts';
import { configFileToRead } from './package-files.ts';

/** What the environment asks of `omnikit-server start`, checked. */
interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… puts everything in PostgreSQL (several servers can share it); else SQLite in dataDir. */
  databaseUrl: string;
  demo: boolean;
  configFile: string;
}

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

const SECRETS_HELP = `
  To try Omnikit on this machine, run the demo: \`npm run demo\` in its repository, or
  OMNIKIT_DEMO=1 omnikit-server, which serves the example config on 127.0.0.1 only.
  To run a real server, \`omnikit-server init\` writes a config with fresh secrets; or give every
  site its own secrets of 32+ random bytes, one per key (\`openssl rand -base64 32\`), in a config
  file named by OMNIKIT_CONFIG.`;

const NO_CONFIG_HELP =
  'no config file: `omnikit-server init` writes omnikit.config.json here with fresh secrets ' +
  '(or set OMNIKIT_CONFIG to the path of yours; OMNIKIT_DEMO=1 tries the example on 127.0.0.1)';

/**
 * `omnikit-server` (env: PORT, HOST, DATA_DIR, DATABASE_URL, OMNIKIT_CONFIG, LOG_LEVEL, and
 * OMNIKIT_DEMO=1 to serve the example config's public secrets, on a loopback HOST only). Runs until
 * SIGTERM or SIGINT; SIGHUP reads the config again.
 */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = readSettings(env);
  const config = readConfig(settings);
  const store = await openStore(settings);
  const logger = requestLogger(env);
  const server = createServer({
    store,
    sites: config.sites,
    demo: settings.demo,
    limits: config.limits,
    trustedProxies: config.trustedProxies,
    metrics: config.metrics,
    webhooks: config.webhookDelivery,
    onRequest: (entry) => logger.info(entry, 'request'),
  });
  const listening = await listen(server, settings);
  // Never print the URL itself: it may hold a password.
  const where = settings.databaseUrl ? 'data in PostgreSQL' : `data in ${settings.dataDir}`;
  console.log(`Omnikit server listening on ${listening.url} (${config.sites.length} site(s), ${where})`);
  handleSignals(server, listening, store, settings);
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = Number(env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST || '127.0.0.1';
  // The example secrets of the shipped config are public: only a local demo may run with them.
  const demo = env.OMNIKIT_DEMO === '1';
  if (demo && !LOOPBACK_HOSTS.includes(host))
    fail(`OMNIKIT_DEMO=1 runs with public example secrets, so only on a loopback HOST, not "${host}"`);
  const databaseUrl = env.DATABASE_URL || '';
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    fail('DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)');
  const configFile = configFileToRead(env, demo) ?? fail(NO_CONFIG_HELP);
  return { port, host, dataDir: env.DATA_DIR || './data', databaseUrl, demo, configFile };
}

function readConfig({ configFile, demo }: Settings): ServerConfig {
  try {
    return loadConfig(configFile, { demo });
  } catch (error) {
    const { message, cause } = error as Error;
    fail(`${message}${cause instanceof UnsafeSecretError ? SECRETS_HELP : ''}`);
  }
}

async function openStore({ databaseUrl, dataDir }: Settings): Promise<Store> {
  try {
    return databaseUrl ? await openPostgresStore(databaseUrl) : openSqliteStore(join(dataDir, 'omnikit.db'));
  } catch (error) {
    fail(`cannot open the database: ${(error as Error).message}`);
  }
}

/** One JSON line per request on stdout (pino), at LOG_LEVEL (default info; `warn` turns them off). */
function requestLogger(env: NodeJS.ProcessEnv): Logger {
  try {
    return pino({ level: env.LOG_LEVEL || 'info' });
  } catch (error) {
    fail(`LOG_LEVEL: ${(error as Error).message}`);
  }
}

function listen(server: OmnikitServer, { port, host }: Settings): Promise<Listening> {
  return server
    .listen(port, host)
    .catch((error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use (another server? set PORT)`
          : error.code === 'EACCES'
            ? `no permission to listen on port ${port} on ${host} (below 1024 needs privileges; set PORT)`
            : `cannot listen on ${host}:${port}: ${error.message}`,
      ),
    );
}

function handleSignals(server: OmnikitServer, listening: Listening, store: Store, settings: Settings): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    // A second Ctrl-C while draining means "now".
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`Omnikit server: ${signal}, shutting down`);
    await listening.close();
    await store.close();
    process.exit(0);
  };
  // SIGHUP reads the config again: a new origin or site without a restart. A config that is wrong
  // now leaves the running one in place. (Server-wide limits, trusted proxies, metrics: at start only.)
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig(settings.configFile, { demo: settings.demo });
      server.reloadSites(next.sites);
      console.log(`Omnikit server: config reloaded (${next.sites.length} site(s))`);
    } catch (error) {
      console.error(
        `Omnikit server: config not reloaded, still serving the previous one: ${(error as Error).message}`,
      );
    }
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
