/**
 * CLI entry: `tsx server/main.ts` (env: PORT, HOST, DATA_DIR, DATABASE_URL, OMNIKIT_CONFIG, LOG_LEVEL,
 * and OMNIKIT_DEMO=1 to serve the example config's public secrets, on a loopback HOST only).
 */
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import {
  createServer,
  loadConfig,
  openPostgresStore,
  openSqliteStore,
  type ServerConfig,
  type Store,
} from './index.ts';
import { UnsafeSecretError } from './secrets.ts';

const port = Number(process.env.PORT || 8787);
const host = process.env.HOST || '127.0.0.1';
const dataDir = process.env.DATA_DIR || './data';
const configFile = process.env.OMNIKIT_CONFIG || 'server/omnikit.config.json';
// postgres://… puts everything in PostgreSQL (several servers can share it); else SQLite in DATA_DIR.
const databaseUrl = process.env.DATABASE_URL || '';

if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, got "${process.env.PORT}"`);
const SECRETS_HELP = `
  To try Omnikit on this machine, run the demo: \`npm run demo\` (or OMNIKIT_DEMO=1 npm run server,
  which serves the example config on 127.0.0.1 only).
  To run a real server, give every site its own secrets of 32+ random bytes, one per key
  (\`openssl rand -base64 32\`), in a config file named by OMNIKIT_CONFIG.`;

// The example secrets of the shipped config are public: only a local demo may run with them.
const demo = process.env.OMNIKIT_DEMO === '1';
if (demo && !['127.0.0.1', '::1', 'localhost'].includes(host))
  fail(`OMNIKIT_DEMO=1 runs with public example secrets, so only on a loopback HOST, not "${host}"`);
let config: ServerConfig = { sites: [] };
try {
  config = loadConfig(configFile, { demo });
} catch (error) {
  fail(
    `${(error as Error).message}${(error as Error).cause instanceof UnsafeSecretError ? SECRETS_HELP : ''}`,
  );
}
const { sites } = config;

if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
  fail('DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)');
let store: Store;
try {
  store = databaseUrl ? await openPostgresStore(databaseUrl) : openSqliteStore(join(dataDir, 'omnikit.db'));
} catch (error) {
  fail(`cannot open the database: ${(error as Error).message}`);
}
// Never print the URL itself: it may hold a password.
const where = databaseUrl ? 'data in PostgreSQL' : `data in ${dataDir}`;
// One JSON line per request on stdout (pino), at LOG_LEVEL (default info; `warn` turns them off).
let logger: Logger;
try {
  logger = pino({ level: process.env.LOG_LEVEL || 'info' });
} catch (error) {
  fail(`LOG_LEVEL: ${(error as Error).message}`);
}
const server = createServer({
  store,
  sites,
  demo,
  limits: config.limits,
  trustedProxies: config.trustedProxies,
  metrics: config.metrics,
  onRequest: (entry) => logger.info(entry, 'request'),
});
const listening = await server
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
console.log(`Omnikit server listening on ${listening.url} (${sites.length} site(s), ${where})`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  // A second Ctrl-C while draining means "now".
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`Omnikit server: ${signal}, shutting down`);
  await listening.close();
  await store.close();
  process.exit(0);
}
// SIGHUP reads the config again: a new origin or site without a restart. A config that is wrong now
// leaves the running one in place. (Server-wide limits, trusted proxies and metrics are read at start only.)
process.on('SIGHUP', () => {
  try {
    const next = loadConfig(configFile, { demo });
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

function fail(message: string): never {
  console.error(`Omnikit server: ${message}`);
  process.exit(1);
}
