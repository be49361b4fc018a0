/**
 * The reference backend as a child process for server-ingest.ts, postgres-server.ts and
 * continuity.ts (so the load generator and the browser driver do not share its event loop), run
 * compiled on the built server package (server-build.ts): `reference-server.ts <sqlite file |
 * postgres:// url>` prints `{"url": ...}` once listening on 127.0.0.1, with one site accepting any
 * origin. BENCH_SITE_SECRET, when set, is the site's secret (verified identify); BENCH_SQLITE_SYNCHRONOUS=normal opens an SQLite store with
 * SQLite's faster, not power-cut safe setting. A PostgreSQL store is opened with the server's
 * defaults (its pool size, timeouts), as `DATABASE_URL` opens it in production; several of these
 * processes may share one database.
 */
import { createServer, openPostgresStore, openSqliteStore, type Site } from '../server/index.ts';

const secret = process.env.BENCH_SITE_SECRET;
const BENCH_SITE: Site = {
  id: 'bench',
  writeKey: 'bench-write-key',
  origins: ['*'],
  ...(secret && { secret }),
};

const database = process.argv[2];
if (!database) throw new Error('usage: reference-server.ts <sqlite file | postgres:// url>');
const synchronous = process.env.BENCH_SQLITE_SYNCHRONOUS === 'normal' ? 'normal' : 'full';
const store = /^postgres(ql)?:\/\//.test(database)
  ? await openPostgresStore(database)
  : openSqliteStore(database, { synchronous });
// Every simulated device and page comes from the same loopback address: lift the per-IP limits, so
// the bench measures the server, not its limits. And each device syncs again as soon as it is
// answered, past the 600 syncs a minute a real one never nears: lifted too, or its 429s are measured.
const lifted = { limit: 10_000_000, windowMs: 60_000 };
const limits = {
  registrations: lifted,
  syncPerIp: lifted,
  syncPerDevice: lifted,
  batchesPerIp: lifted,
  streamsPerIp: 1_000_000,
};
const listening = await createServer({ store, sites: [BENCH_SITE], limits }).listen(0, '127.0.0.1');
console.log(JSON.stringify({ url: listening.url }));
process.on('SIGTERM', async () => {
  await listening.close();
  await store.close();
  process.exit(0);
});
