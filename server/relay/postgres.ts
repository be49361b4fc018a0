import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { errorKind, isStorageFailure } from '../store/storage-failure.ts';
import { decodePayload, encodePayloads } from './codec.ts';
import { RelayListeners } from './local.ts';
import type { Relay, RelayMessage } from './types.ts';

/**
 * The NOTIFY channel. LISTEN/NOTIFY never crosses databases, and each deployment (or tenant) has a
 * database of its own, so one fixed name cannot reach another deployment on the same cluster.
 */
export const RELAY_CHANNEL = 'omnikit_streams';

/** Longest close() waits to send what is still waiting. */
const CLOSE_DRAIN_MS = 1_000;

/** Options of `postgresRelay`. */
export interface PostgresRelayOptions {
  /** Longest wait to open the connection (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * How often the idle connection is asked `SELECT 1` (default 15 s), and how long an answer may
   * take: a connection a network dropped without a word would otherwise look open, and deaf, for hours.
   */
  heartbeatMs?: number;
  /** First wait before connecting again (default 250 ms), doubling up to `maxRetryMs` (default 5 s). */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** Messages kept while the database is away (default 10,000); the oldest go first beyond that. */
  maxQueued?: number;
  /** Where its lines go (default console.warn): only what happened, never a message's content. */
  log?: (line: string) => void;
}

/**
 * The relay of several processes sharing one PostgreSQL database: LISTEN/NOTIFY on a connection of
 * its own (LISTEN belongs to one session, so never a pool's; a pooler in transaction mode cannot
 * carry it). A message is applied here at once and sent on that same connection, so the others hear
 * this process's messages in the order it sent them, and its own come back with its session's pid,
 * which is how they are skipped: each message is applied exactly once in each process.
 *
 * While the connection is down the relay reconnects with backoff and keeps what it has to send; once
 * it listens again it tells its listeners `missed()`, since other processes' messages of the gap are
 * gone. Starts connecting at once.
 */
export function postgresRelay(connectionString: string, options: PostgresRelayOptions = {}): Relay {
  return new PostgresRelay(connectionString, options);
}

class PostgresRelay implements Relay {
  readonly #listeners = new RelayListeners();
  readonly #connectionString: string;
  readonly #options: Required<Omit<PostgresRelayOptions, 'log'>>;
  readonly #log: (line: string) => void;
  /** The connection listening now, which sends; null while reconnecting. */
  #live: pg.Client | null = null;
  /** The connection being opened or in use (the only one whose notifications count), to end at close(). */
  #current: pg.Client | null = null;
  #outbox: RelayMessage[] = [];
  /** The sending under way, if any. */
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #dropped = 0;
  #closed = false;
  readonly #stop = new AbortController();
  readonly #ready: Promise<void>;
  #markReady!: () => void;
  readonly #running: Promise<void>;

  constructor(connectionString: string, options: PostgresRelayOptions) {
    this.#connectionString = connectionString;
    this.#options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      minRetryMs: options.minRetryMs ?? 250,
      maxRetryMs: options.maxRetryMs ?? 5_000,
      maxQueued: options.maxQueued ?? 10_000,
    };
    this.#log = options.log ?? ((line) => console.warn(line));
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    this.#running = this.#run();
  }

  send(message: RelayMessage): void {
    this.#listeners.deliver(message);
    if (this.#closed) return;
    if (this.#outbox.length >= this.#options.maxQueued) {
      this.#outbox.shift();
      this.#dropped += 1;
    }
    this.#outbox.push(message);
    // Sent on the next turn: the messages one request makes leave together, in one NOTIFY.
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.#flush();
      });
    }
  }

  subscribe(listener: Parameters<Relay['subscribe']>[0]): () => void {
    return this.#listeners.add(listener);
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // What the last requests before a shutdown sent must still reach the other processes' streams;
    // a database that is away does not hold the shutdown up for long.
    await Promise.race([this.#drain(), sleep(CLOSE_DRAIN_MS, undefined, { ref: false })]);
    this.#stop.abort();
    await this.#current?.end().catch(() => {});
    await this.#running;
  }

  /** Connects, listens until the connection is lost, and again, until close(). */
  async #run(): Promise<void> {
    let delay = this.#options.minRetryMs;
    let attempted = false;
    let outage = false;
    while (!this.#closed) {
      const client = this.#newClient();
      const lost = lostOf(client);
      let error: unknown;
      try {
        await this.#listen(client);
        if (attempted) this.#caughtUp();
        this.#live = client;
        outage = false;
        delay = this.#options.minRetryMs;
        this.#markReady();
        void this.#flush();
        error = await this.#whileLive(client, lost);
      } catch (failure) {
        error = failure;
      }
      this.#live = null;
      this.#current = null;
      attempted = true;
      void client.end().catch(() => {});
      if (this.#closed) break;
      if (!outage) this.#log(`[omnikit] stream relay: no PostgreSQL (${errorKind(error)}); reconnecting`);
      outage = true;
      this.#markReady();
      await this.#wait(delay);
      delay = Math.min(delay * 2, this.#options.maxRetryMs);
    }
  }

  #newClient(): pg.Client {
    const client = new pg.Client({
      connectionString: this.#connectionString,
      connectionTimeoutMillis: this.#options.connectTimeoutMs,
      query_timeout: this.#options.heartbeatMs,
      keepAlive: true,
    });
    this.#current = client;
    return client;
  }

  /** Opens the connection and LISTENs. */
  async #listen(client: pg.Client): Promise<void> {
    await client.connect();
    // Known before LISTEN, so no notification of this process's own arrives before it can be told.
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0].pid;
    client.on('notification', (notification) => {
      // Only the current connection: one given up on (its heartbeat unanswered) may still deliver.
      if (this.#current !== client || notification.channel !== RELAY_CHANNEL) return;
      if (notification.processId === pid) return; // this process's own, applied when sent
      try {
        for (const message of decodePayload(notification.payload)) this.#listeners.deliver(message);
      } catch (error) {
        // Thrown from an event handler it would end the process, for every stream on it.
        this.#log(`[omnikit] stream relay: a message failed to apply (${errorKind(error)})`);
      }
    });
    await client.query(`LISTEN ${RELAY_CHANNEL}`);
  }

  /** Waits until the connection is lost (or the relay closed), asking it `SELECT 1` while idle. */
  async #whileLive(client: pg.Client, lost: Promise<unknown>): Promise<unknown> {
    let silent: unknown;
    const heartbeat = new Promise<unknown>((resolve) => {
      const timer = setInterval(() => {
        if (this.#flushing) return;
        client.query('SELECT 1').catch((error: unknown) => {
          silent = error;
          clearInterval(timer);
          resolve(error);
        });
      }, this.#options.heartbeatMs);
      // close() ends the connection, so this also stops the heartbeat then.
      void lost.then(() => clearInterval(timer));
    });
    const error = await Promise.race([lost, heartbeat]);
    return silent ?? error;
  }

  /** Back after a gap: the listeners' streams may have missed other processes' messages. */
  #caughtUp(): void {
    const dropped = this.#dropped ? `; ${this.#dropped} message(s) dropped while away` : '';
    this.#dropped = 0;
    this.#log(`[omnikit] stream relay: listening again, open streams told to catch up${dropped}`);
    this.#listeners.missed();
  }

  /**
   * Sends what waits, in order. What the lost connection may not have sent stays for the next one (a
   * repeat is harmless: every message is a nudge or says where things are now); what PostgreSQL
   * refused is dropped, or it would block everything behind it.
   */
  #flush(): Promise<void> {
    this.#flushing ??= this.#sendWaiting().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /** Sends until nothing waits, or the connection is gone. */
  async #drain(): Promise<void> {
    while (this.#live && (this.#outbox.length > 0 || this.#flushing)) await this.#flush();
  }

  async #sendWaiting(): Promise<void> {
    while (this.#live && this.#outbox.length > 0) {
      const client = this.#live;
      const batch = this.#outbox.splice(0);
      try {
        for (const payload of encodePayloads(batch)) {
          await client.query('SELECT pg_notify($1, $2)', [RELAY_CHANNEL, payload]);
        }
      } catch (error) {
        if (!isStorageFailure(error)) {
          this.#log(`[omnikit] stream relay: PostgreSQL refused a notification (${errorKind(error)})`);
          continue;
        }
        this.#outbox.unshift(...batch);
        return;
      }
    }
  }

  async #wait(ms: number): Promise<void> {
    // Jitter: processes that lost PostgreSQL together do not all come back in the same instant.
    const jittered = ms / 2 + Math.random() * (ms / 2);
    await sleep(jittered, undefined, { signal: this.#stop.signal }).catch(() => {});
  }
}

/**
 * Resolves when the connection is lost: ended, or failed. The 'error' listener is also what keeps a
 * connection PostgreSQL ends (a restart) from being an unhandled 'error' that exits the process.
 */
function lostOf(client: pg.Client): Promise<unknown> {
  return new Promise((resolve) => {
    client.on('error', resolve);
    client.on('end', () => resolve(new Error('Connection terminated')));
  });
}
