// Runs the REAL reference server (server/index.ts) inside the test runner's Node process, on its own
// port so that every request from the test page is cross-origin, like a shop posting to its backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import Database from 'better-sqlite3';
import { hashPassword } from '../../../server/console/password.ts';
import { createServerWithFaults, type FaultyServer } from '../../../server/faults.ts';
import { type EventStore, openSqliteStore, type ServerOptions } from '../../../server/index.ts';
import type { CommandPayloads, FaultPayload, StoredRecord } from './protocol.ts';
import { sessionPage } from './session-page.ts';

/** The `test` site's secret server key (server-events.test.ts plays the site's own server with it). */
export const TEST_SERVER_KEY = 'test-server-key-for-browser-tests-61c0f9d7ae';

/** The HMAC secret of the `test` site, for identify (the browser tests compute userHash with it). */
export const TEST_SITE_SECRET = 'test-site-secret-for-browser-tests-4d1f9a7c';

/** The agent key of the `test` site (commands/agent.ts calls the agent API with it). */
export const TEST_AGENT_KEY = 'test-site-agent-key-for-browser-tests-8b3e52';

/** The `test` site's console account (an agent); test/browser/helpers.ts names it for the pages. */
export const TEST_CONSOLE_LOGIN = { name: 'test-agent', password: 'test-agent-password-for-browser-tests' };
/** The `test` site's associate (staff at the till); test/browser/helpers.ts names it for the pages. */
export const TEST_STORE_LOGIN = {
  name: 'test-associate',
  password: 'test-associate-password-for-browser-tests',
};

export interface BackendPlugin extends TestRunnerPlugin {
  /** Base URL of the running backend; only valid after the dev server has started. */
  url(): string;
  /** The backend's SQLite file; only valid while it runs. */
  databaseFile(): string;
}

type Server = FaultyServer;

export function backendPlugin(): BackendPlugin {
  let store: EventStore | undefined;
  let server: Server | undefined;
  let listener: Awaited<ReturnType<Server['listen']>> | undefined;
  let dir: string | undefined;
  let options: ServerOptions | undefined;

  const running = () => {
    if (!store || !server) throw new Error('The test backend is not running.');
    return { store, server };
  };

  return {
    name: 'omnikit-backend',

    url() {
      if (!listener) throw new Error('The test backend is not running yet.');
      return listener.url;
    },

    databaseFile() {
      if (!dir) throw new Error('The test backend is not running.');
      return join(dir, 'events.sqlite');
    },

    async serverStart({ config }) {
      // A fresh database file per run: no state survives from an earlier run.
      dir = await mkdtemp(join(tmpdir(), 'omnikit-wtr-'));
      store = openSqliteStore(join(dir, 'events.sqlite'));
      const devOrigins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
      options = {
        store,
        sites: [
          {
            id: 'test',
            writeKey: 'test-key',
            origins: devOrigins,
            secret: TEST_SITE_SECRET,
            agentKey: TEST_AGENT_KEY,
            serverKey: TEST_SERVER_KEY,
            staff: [
              {
                name: TEST_CONSOLE_LOGIN.name,
                role: 'agent',
                passwordHash: await hashPassword(TEST_CONSOLE_LOGIN.password),
              },
              {
                name: TEST_STORE_LOGIN.name,
                role: 'associate',
                passwordHash: await hashPassword(TEST_STORE_LOGIN.password),
              },
            ],
          },
          // For CORS-refusal tests: this site accepts no origin the test pages can have.
          { id: 'locked', writeKey: 'locked-key', origins: ['https://elsewhere.example'] },
          // For cart-reprice.test.ts: its cart lines are checked against a catalog. A site of its own,
          // as every other test's lines would be flagged unknown on the `test` site.
          {
            id: 'priced',
            writeKey: 'priced-key',
            origins: devOrigins,
            catalog: { tee: { price: 19.9, currency: 'EUR' } },
          },
        ],
      };
      // The real server, with the fault middleware the tests drive through backend-fault.
      server = createServerWithFaults(options);
      listener = await server.listen(0, '127.0.0.1');
    },

    async serverStop() {
      await listener?.close();
      await store?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
      listener = server = store = dir = undefined;
    },

    async executeCommand({ command, payload, session }) {
      switch (command) {
        case 'backend-reset': {
          const { store, server } = running();
          server.faults.clear();
          await store.reset();
          server.resetStats();
          server.resetRateLimits();
          return true;
        }
        case 'backend-restart': {
          // A new server process, as after a deploy: same port, same SQLite file, no memory of the old.
          if (!listener || !store || !dir || !options) throw new Error('The test backend is not running.');
          const { port } = listener;
          await listener.close();
          await store.close();
          store = openSqliteStore(join(dir, 'events.sqlite'));
          options = { ...options, store };
          server = createServerWithFaults(options);
          const downMs = (payload as CommandPayloads['backend-restart'])?.downMs ?? 0;
          if (downMs) await new Promise((resolve) => setTimeout(resolve, downMs));
          listener = await server.listen(port, '127.0.0.1');
          return true;
        }
        case 'backend-drop-streams':
          return running().server.faults.dropStreams();
        case 'backend-expire-handoffs': {
          // Every handoff link past its 10 minutes, as the server's clock would have them by then.
          const db = new Database(join(dir!, 'events.sqlite'));
          try {
            db.prepare('UPDATE handoffs SET expires_at = ?').run(Date.now() - 1);
          } finally {
            db.close();
          }
          return true;
        }
        case 'backend-compact':
          // Every tombstone is older than a horizon in the future: waiting 30 days is not a test.
          await running().store.compactTombstones(Date.now() + 1);
          return true;
        case 'device-offline': {
          // A device is a context of its own, so Playwright's context.setOffline() fits (unlike the test's
          // own context, see network.ts): the context is found by a marker in its pages' URLs.
          const { match, offline } = payload as CommandPayloads['device-offline'];
          const own = sessionPage(session).context();
          const contexts = (own.browser()?.contexts() ?? []).filter(
            (context) => context !== own && context.pages().some((page) => page.url().includes(match)),
          );
          if (contexts.length !== 1)
            throw new Error(`device-offline: ${contexts.length} devices match ${match}`);
          await contexts[0].setOffline(offline);
          return true;
        }
        case 'backend-fault':
          applyFault(running().server, payload as FaultPayload);
          return true;
        case 'backend-events': {
          const query = (payload ?? {}) as CommandPayloads['backend-events'];
          return running().store.listEvents(query.siteId ?? 'test', query.filter);
        }
        case 'backend-stats':
          return running().server.stats();
        case 'backend-records': {
          // The database file itself, not the store's API: what is there, whoever put it there.
          if (!dir) throw new Error('The test backend is not running.');
          const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
          try {
            const siteId = (payload as CommandPayloads['backend-records'])?.siteId ?? 'test';
            const rows = db
              .prepare<[string], Omit<StoredRecord, 'deleted'> & { deleted: number }>(
                'SELECT profile_id AS profileId, doc, key, value, deleted FROM records WHERE site_id = ?',
              )
              .all(siteId);
            return rows.map((row): StoredRecord => ({ ...row, deleted: row.deleted === 1 }));
          } finally {
            db.close();
          }
        }
        default:
          return undefined; // not ours: let the next plugin answer
      }
    },
  };
}

function applyFault(server: Server, fault: FaultPayload): void {
  switch (fault.kind) {
    case 'fail':
      server.faults.fail(fault.count, fault.status, fault.headers, { path: fault.path });
      return;
    case 'delay':
      server.faults.delay(fault.ms, fault.count, { path: fault.path });
      return;
    case 'drop':
      server.faults.drop(fault.count, { after: fault.after, path: fault.path });
      return;
    case 'clear':
      server.faults.clear();
      return;
    default:
      throw new Error(`Unknown fault kind: ${JSON.stringify(fault)}`);
  }
}
