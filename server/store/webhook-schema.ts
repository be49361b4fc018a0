/**
 * The webhook deliveries table (server/webhooks/), added by migration 8 of each database under the
 * same name. One row per (event, webhook): the unique key makes a batch that repeats a messageId
 * queue it once. Times are ms of the server's clock. `lease_until` is when a worker's claim runs
 * out (0: not claimed); it doubles as the claim's proof when the outcome is recorded.
 */
export const WEBHOOKS_MIGRATION_NAME = 'webhook deliveries: a durable queue written with the events';

const columns = (types: { id: string; ms: string }) => `
  CREATE TABLE webhook_deliveries (
    id              ${types.id},
    site_id         TEXT NOT NULL,
    webhook         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    credential      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      ${types.ms} NOT NULL,
    next_attempt_at ${types.ms} NOT NULL,
    retry_until     ${types.ms} NOT NULL,
    lease_until     ${types.ms} NOT NULL DEFAULT 0,
    last_error      TEXT,
    finished_at     ${types.ms},
    UNIQUE (site_id, message_id, credential, webhook)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
  CREATE INDEX webhook_deliveries_by_site ON webhook_deliveries (site_id, id);
  CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (status, finished_at);
`;

/** SQLite: AUTOINCREMENT, so an id is never reused after a delete (a listed id names one delivery). */
export const SQLITE_WEBHOOKS_MIGRATION_SQL = columns({
  id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  ms: 'INTEGER',
});

export const POSTGRES_WEBHOOKS_MIGRATION_SQL = columns({
  id: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  ms: 'BIGINT',
});
