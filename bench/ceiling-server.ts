/**
 * The least a server on this machine must do to take the bench's ingest and sync loads, run as a
 * child process beside the reference server (server-ceilings.ts, server-sync.ts), compiled like it
 * (server-build.ts):
 * `ceiling-server.ts http` is Hono on @hono/node-server parsing each POST /v1/batch body with
 * JSON.parse and answering 200 `{}` (no validation, no storage: the HTTP ceiling);
 * `… ceiling-server.ts <sqlite file>` does the same and also stores every event of the batch as the
 * real store does (the storage ceiling), and answers the sync load: POST /v1/devices hands out a
 * token, POST /v1/sync upserts the pushed records with the real store's statement and durability,
 * group committed as it is, and answers the new cursor (no checks, limits, quotas or streams).
 * Prints `{"url": ...}` once listening on 127.0.0.1, like reference-server.ts.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { bearerToken } from '../server/bearer.ts';
import { openSqliteStore } from '../server/index.ts';
import { WAL_SIZE_LIMIT } from '../server/store/sqlite.ts';
import { documentStatements } from '../server/store/sqlite-documents.ts';
import { groupCommits } from '../server/store/sqlite-group-commit.ts';

type Event = Record<string, unknown>;
interface PushedRecord {
  doc: string;
  key: string;
  value: unknown;
  hlc: string;
}

/** Stores a batch in one transaction, durable before it returns, as the real store does. */
async function sqliteWriter(file: string) {
  // The schema exactly as the real store makes it (tables, keys, every index, its migrations): each
  // index is written on every insert, so the ceiling must pay for the same ones.
  await openSqliteStore(file).close();
  const db = new Database(file);
  // The real store's durability (server/store/sqlite.ts): WAL, and every commit fsynced.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events
       (site_id, message_id, type, anonymous_id, user_id, event, timestamp, received_at, body, credential)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'public')`,
  );
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const write = db.transaction((events: Event[]) => {
    const receivedAt = new Date().toISOString();
    for (const event of events) {
      // The real store keeps each event's own JSON as its body: serialising it is part of storing.
      insert.run(
        'bench',
        text(event.messageId),
        text(event.type),
        text(event.anonymousId),
        text(event.userId),
        text(event.event),
        text(event.timestamp) ?? receivedAt,
        receivedAt,
        JSON.stringify(event),
      );
    }
  });
  return { write, merge: recordMerger(db), close: () => db.close() };
}

/**
 * Upserts a push's records into the profile's documents as the real store does (its very statement, the
 * merge rule in its WHERE, a savepoint per push inside a group commit), numbering them from a
 * sequence kept in memory; resolves with the profile's new cursor once the group is durable.
 */
function recordMerger(db: Database.Database) {
  const { upsert } = documentStatements(db);
  let seq = 0;
  const merge = db.transaction((profileId: string, records: PushedRecord[]) => {
    const receivedAt = Date.now();
    for (const { doc, key, value, hlc } of records) {
      seq += 1;
      upsert.run('bench', profileId, doc, key, JSON.stringify(value), hlc, 0, seq, seq, receivedAt);
    }
    return seq;
  });
  const commits = groupCommits(db);
  return (profileId: string, records: PushedRecord[]) => commits.run(async () => merge(profileId, records));
}

const target = process.argv[2];
if (!target) throw new Error('usage: ceiling-server.ts <http | sqlite file>');
const store = target === 'http' ? undefined : await sqliteWriter(target);

const app = new Hono();
app.post('/v1/batch', async (context) => {
  const body = JSON.parse(await context.req.text()) as { batch: Event[] };
  store?.write(body.batch);
  return context.json({});
});
app.post('/v1/devices', (context) => context.json({ token: randomUUID() }));
app.post('/v1/sync', async (context) => {
  const token = bearerToken(context.req.header('authorization')) ?? '';
  const body = JSON.parse(await context.req.text()) as { push: PushedRecord[] };
  const cursor = store ? await store.merge(token, body.push) : 0;
  return context.json({ records: [], cursor: String(cursor), more: false });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) =>
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` })),
);
process.on('SIGTERM', () => {
  // Keep-alive sockets of the load generator would hold close() open: end them.
  server.close(() => {
    store?.close();
    process.exit(0);
  });
  if ('closeAllConnections' in server) server.closeAllConnections();
});
