import { createServerWithFaults, FaultPlan, type FaultyServer } from '../../server/faults.ts';
import {
  createServer,
  type Listening,
  type ServerOptions,
  type Site,
  type Store,
} from '../../server/index.ts';
import { logRefusedOrigins } from '../../server/refused-origins.ts';
import { sqliteDatabase, type TestDatabase, type TestDatabaseFactory } from './test-database.ts';

/** Origins and keys used across the server tests. */
export const SHOP_ORIGIN = 'http://localhost:8000';
export const BLOG_ORIGIN = 'http://blog.example';
export const STRANGER_ORIGIN = 'http://evil.example';

/** The shop's HMAC secret for identify (the blog has none). */
export const SHOP_SECRET = 'shop-identify-secret-for-tests-9f2c41d7a8e6b305';

/** The agent keys of the shop and the blog (agent API, §7). */
export const SHOP_AGENT_KEY = 'shop-agent-key-for-tests-5b8e07c3f1a94d62e7';
export const BLOG_AGENT_KEY = 'blog-agent-key-for-tests-c7d2a6915e3f08b4a1';
/** The shop's secret server key (server-side channels, the plan report); the blog has none. */
export const SHOP_SERVER_KEY = 'shop-server-key-for-tests-2e94b7c10d5a8f63';

/** Two sites, so per-site origin checks can be told apart from "any site" preflight checks. */
export const SITES: Site[] = [
  {
    id: 'shop',
    writeKey: 'shop-key',
    origins: [SHOP_ORIGIN],
    secret: SHOP_SECRET,
    agentKey: SHOP_AGENT_KEY,
    serverKey: SHOP_SERVER_KEY,
  },
  { id: 'blog', writeKey: 'blog-key', origins: [BLOG_ORIGIN], agentKey: BLOG_AGENT_KEY },
];

/**
 * What the test server's clock says unless a test moves it: the fixed HLCs of the tests are written
 * at this time, so they are neither stale nor in the future for the sync horizon.
 */
export const TEST_NOW = 1_700_000_000_000;

/**
 * A real server on a loopback port with a real database: an SQLite file unless `setHarnessDatabase`
 * said otherwise. Its fault injection is installed unless `faults: false`.
 */
export interface Harness {
  url: string;
  server: FaultyServer;
  store: Store;
  /** Where the data is, to read rows straight from it. */
  database: TestDatabase;
  /** The server's clock (ms); starts at TEST_NOW and survives a restart. */
  clock: { now: number };
  /** What the server logged of refused origins (its `onRefusedOrigin` default, written here). */
  refusedOriginLog: string[];
  /** Stops the server and the store, then starts new ones on the same port and database (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Options of `startServer`: any `createServer` option but the store, and `faults: false` for a server
 * without the fault middleware (its `faults` then reach nothing).
 */
export type HarnessOptions = Partial<Omit<ServerOptions, 'store'>> & { faults?: boolean };

let databases: TestDatabaseFactory = sqliteDatabase;

/**
 * Makes every later `startServer` of this process keep its data where `factory` says (a fresh
 * database each): how a test file runs the same protocol tests on PostgreSQL (postgres.test.ts).
 */
export function setHarnessDatabase(factory: TestDatabaseFactory): void {
  databases = factory;
}

/** Starts a server for one test file; call `close()` in `after`. */
export async function startServer(options: HarnessOptions = {}): Promise<Harness> {
  const database = await databases();
  const clock = { now: TEST_NOW };
  const refusedOriginLog: string[] = [];
  const logRefused = logRefusedOrigins((line) => refusedOriginLog.push(line));
  const start = async (port: number) => {
    const store = await database.open();
    const { faults = true, ...serverOptions } = options;
    const settings: ServerOptions = {
      now: () => clock.now,
      onRefusedOrigin: logRefused,
      ...serverOptions,
      store,
      sites: options.sites ?? SITES,
    };
    const server = faults
      ? createServerWithFaults(settings)
      : { ...createServer(settings), faults: new FaultPlan() };
    return { store, server, listening: await server.listen(port) };
  };
  let current: { store: Store; server: FaultyServer; listening: Listening } = await start(0);
  const stop = async () => {
    await current.listening.close();
    await current.store.close();
  };
  const harness: Harness = {
    url: current.listening.url,
    server: current.server,
    store: current.store,
    database,
    clock,
    refusedOriginLog,
    async restart() {
      await stop();
      current = await start(current.listening.port);
      harness.server = current.server;
      harness.store = current.store;
    },
    async close() {
      await stop();
      await database.remove();
    },
  };
  return harness;
}

let counter = 0;

/** A valid track event with a fresh messageId; override any field. */
export function trackEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    type: 'track',
    event: 'Product Added',
    messageId: `msg-${process.pid}-${Date.now()}-${counter}`,
    anonymousId: 'anon-1',
    timestamp: '2026-01-02T03:04:05.000Z',
    properties: { sku: 'SKU-1', quantity: 1 },
    ...overrides,
  };
}

/** `Authorization: Basic base64(writeKey:)`, as Segment and RudderStack send it. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** POSTs JSON as text/plain (what browser SDKs do) with Basic auth for the shop unless told otherwise. */
export function postJson(
  url: string,
  body: unknown,
  options: { writeKey?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const writeKey = options.writeKey === undefined ? 'shop-key' : options.writeKey;
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'text/plain',
      ...(writeKey ? { Authorization: basicAuth(writeKey) } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Body of a 200 ingest answer. */
export interface IngestBody {
  ok: boolean;
  accepted: number;
  duplicates: number;
  rejected: { index: number; messageId: string | null; code: string; message: string }[];
}

/** Body of an error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}
