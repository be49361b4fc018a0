// A throwaway PostgreSQL cluster for one test file (or the bench's PostgreSQL figures): initdb into a
// temp dir, started on a free loopback port, stopped and deleted after. Real PostgreSQL, never a mock
// (design.md, Tests).
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openPostgresStore } from '../../server/index.ts';
import type { TestDatabase } from './test-database.ts';

const execFileAsync = promisify(execFile);

/** A running cluster; `database()` makes a fresh database in it. */
export interface PostgresCluster {
  /** postgres://… of the cluster's maintenance database. */
  url: string;
  database(): Promise<TestDatabase & { url: string }>;
  /**
   * `pg_ctl restart` with a shutdown mode: `fast` ends every connection (as a restart for an upgrade
   * does), `immediate` kills the server (as a crash does; it recovers from its WAL on start).
   */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server (`pg_ctl stop -m fast`) and keeps its files, to `resume()` it later. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
  /** Stops the server and deletes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of `startPostgres`. */
export interface PostgresOptions {
  /**
   * Acknowledge a commit only once its WAL is written (`synchronous_commit = on`), so a commit
   * survives `restart('immediate')`. Off by default: the tests run faster without it.
   */
  durableCommits?: boolean;
  /**
   * PostgreSQL's own durability defaults (fsync, full_page_writes and synchronous_commit all on), as
   * a production server runs: for the bench, whose figures the tests' shortcuts would flatter.
   */
  productionDurability?: boolean;
}

const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL tests need them.\n' +
  'Install them (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`),\n' +
  'or point PG_BIN at the directory that holds initdb and pg_ctl.';

/**
 * Where initdb and pg_ctl are: PG_BIN, else PATH, else Debian's /usr/lib/postgresql/<version>/bin
 * (Debian's package keeps them off PATH), newest version first. Throws how to install them.
 */
export function findPostgresBin(): string {
  const candidates = [
    ...(process.env.PG_BIN ? [process.env.PG_BIN] : []),
    ...(process.env.PATH ?? '').split(delimiter),
    ...debianVersions().map((version) => `/usr/lib/postgresql/${version}/bin`),
  ];
  const dir = candidates.find(
    (candidate) =>
      candidate && existsSync(join(candidate, 'initdb')) && existsSync(join(candidate, 'pg_ctl')),
  );
  if (!dir) throw new Error(INSTALL_HINT);
  return dir;
}

function debianVersions(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  } catch {
    return [];
  }
}

/** Starts a cluster; call `stop()` in `after`. Takes about a second. */
export async function startPostgres(settings: PostgresOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const commandOf = (tool: string, args: string[]): [string, string[]] => {
    const command = join(bin, tool);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  };
  // Without blocking the test's event loop: its clients keep sending while the server restarts.
  const runAsync = async (tool: string, args: string[]) => {
    const [file, argv] = commandOf(tool, args);
    try {
      await execFileAsync(file, argv, { encoding: 'utf8' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${tool} failed: ${stderr || stdout || (error as Error).message}`);
    }
  };
  const run = (tool: string, args: string[]) => {
    const [file, argv] = commandOf(tool, args);
    try {
      return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${tool} failed: ${stderr || stdout || (error as Error).message}`);
    }
  };

  // ICU "en-US", not the machine's locale (often C): text then sorts unlike JavaScript unless the
  // store asks for byte order itself, so the tests catch a missing COLLATE "C".
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '--encoding=UTF8',
    '--locale-provider=icu',
    '--icu-locale=en-US',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  // fsync is what makes PostgreSQL slow on a laptop, and a test never loses power; an immediate
  // restart only loses what synchronous_commit=off left unwritten.
  const shortcuts = settings.productionDurability
    ? []
    : [
        '-c fsync=off',
        `-c synchronous_commit=${settings.durableCommits ? 'on' : 'off'}`,
        '-c full_page_writes=off',
      ];
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-k ${dir}`,
    ...shortcuts,
    '-c max_connections=200',
  ].join(' ');
  const log = join(dir, 'server.log');
  run('pg_ctl', ['start', '-w', '-D', data, '-l', log, '-o', options]);

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'immediate']);
    } catch {
      // Already halted.
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that dies (or is killed by --test-timeout) must not leave a server behind.
  process.once('exit', stopNow);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    restart: (mode) =>
      runAsync('pg_ctl', ['restart', '-w', '-D', data, '-m', mode, '-l', log, '-o', options]),
    halt: () => runAsync('pg_ctl', ['stop', '-w', '-D', data, '-m', 'fast']),
    resume: () => runAsync('pg_ctl', ['start', '-w', '-D', data, '-l', log, '-o', options]),
    async database() {
      databases += 1;
      const name = `omnikit_${databases}`;
      await admin(url, `CREATE DATABASE ${name}`);
      const dbUrl = `postgres://postgres@127.0.0.1:${port}/${name}`;
      return postgresDatabase(url, name, dbUrl);
    },
    async stop() {
      stopNow();
      process.removeListener('exit', stopNow);
    },
  };
}

function postgresDatabase(adminUrl: string, name: string, url: string): TestDatabase & { url: string } {
  return {
    engine: 'postgres',
    url,
    open: () => openPostgresStore(url),
    async rows(table) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(`SELECT * FROM ${table}`)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    async exec(sql, params = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql, params);
      } finally {
        await client.end();
      }
    },
    async remove() {
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
