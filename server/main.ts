/** CLI entry: `tsx server/main.ts` (env: PORT, HOST, DATA_DIR, OMNIKIT_CONFIG). */
import { join } from 'node:path';
import { createServer, loadSites, openSqliteStore, type Site } from './index.ts';

const port = Number(process.env.PORT || 8787);
const host = process.env.HOST || '127.0.0.1';
const dataDir = process.env.DATA_DIR || './data';
const configFile = process.env.OMNIKIT_CONFIG || 'server/omnikit.config.json';

if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, got "${process.env.PORT}"`);
let sites: Site[] = [];
try {
  sites = loadSites(configFile);
} catch (error) {
  fail((error as Error).message);
}

const store = openSqliteStore(join(dataDir, 'omnikit.db'));
const listening = await createServer({ store, sites }).listen(port, host);
console.log(`Omnikit server listening on ${listening.url} (${sites.length} site(s), data in ${dataDir})`);

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
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

function fail(message: string): never {
  console.error(`Omnikit server: ${message}`);
  process.exit(1);
}
