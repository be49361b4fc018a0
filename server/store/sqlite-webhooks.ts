import type Database from 'better-sqlite3';
import type { EventCredential } from './event-types.ts';
import {
  type ClaimedRow,
  DELIVERY_COLUMNS,
  type DeliveryRow,
  deliveryQuery,
  fromClaimedRow,
  fromDeliveryRow,
  outcomeColumns,
} from './webhook-rows.ts';
import type { QueuedDeliveries, WebhookStore } from './webhook-types.ts';

/**
 * Queues an event's deliveries, in the caller's transaction (the event's insert): for the webhooks
 * named, due at once.
 */
export function sqliteDeliveryQueue(db: Database.Database) {
  const insert = db.prepare<[string, string, string, string, number, number, number]>(
    `INSERT INTO webhook_deliveries
       (site_id, webhook, message_id, credential, status, created_at, next_attempt_at, retry_until)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  return (
    siteId: string,
    messageId: string,
    credential: EventCredential,
    queued: QueuedDeliveries,
    index: number,
  ) => {
    for (const webhook of queued.webhooks[index] ?? []) {
      insert.run(siteId, webhook, messageId, credential, queued.at, queued.at, queued.retryUntil);
    }
  };
}

/** The webhook delivery queue on an open SQLite database (one process owns the file: no race to claim). */
export function sqliteWebhookStore(db: Database.Database): WebhookStore {
  const claim = db.prepare<[number, number, number, number], DeliveryRow>(
    `UPDATE webhook_deliveries SET lease_until = ?, attempts = attempts + 1
      WHERE id IN (SELECT id FROM webhook_deliveries
                    WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
                    ORDER BY next_attempt_at, id LIMIT ?)
      RETURNING ${DELIVERY_COLUMNS}`,
  );
  const eventOf = db.prepare<[string, string, string], { body: string; received_at: string }>(
    'SELECT body, received_at FROM events WHERE site_id = ? AND message_id = ? AND credential = ?',
  );
  const record = db.prepare<[string, number, string | null, number | null, number, number]>(
    `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_error = ?, finished_at = ?, lease_until = 0
      WHERE id = ? AND lease_until = ?`,
  );
  const one = db.prepare<[string, number], DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE site_id = ? AND id = ?`,
  );
  const again = db.prepare<[number, number, string, number]>(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, retry_until = ?, finished_at = NULL,
            lease_until = 0
      WHERE site_id = ? AND id = ?`,
  );
  const prune = db.prepare<[string, number, number]>(
    `DELETE FROM webhook_deliveries WHERE id IN
       (SELECT id FROM webhook_deliveries WHERE status = ? AND finished_at < ? LIMIT ?)`,
  );
  const pending = db
    .prepare<[], number>("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
    .pluck();
  const claimMany = db.transaction((now: number, leaseMs: number, limit: number) =>
    claim.all(now + leaseMs, now, now, limit).map((row) => {
      const event = eventOf.get(row.site_id, row.message_id, row.credential);
      return fromClaimedRow({
        ...row,
        body: event?.body ?? null,
        received_at: event?.received_at ?? null,
      } as ClaimedRow);
    }),
  );

  return {
    async claimDeliveries(now, leaseMs, limit) {
      return claimMany.immediate(now, leaseMs, limit);
    },
    async recordAttempt(id, lease, outcome) {
      return record.run(...outcomeColumns(outcome), Number(id), lease).changes === 1;
    },
    async listDeliveries(siteId, filter) {
      const { sql, params } = deliveryQuery(siteId, filter, () => '?');
      return db
        .prepare<unknown[], DeliveryRow>(sql)
        .all(...params)
        .map(fromDeliveryRow);
    },
    async retryDelivery(siteId, id, now, retryUntil) {
      if (again.run(now, retryUntil, siteId, Number(id)).changes === 0) return undefined;
      const row = one.get(siteId, Number(id));
      return row && fromDeliveryRow(row);
    },
    async pruneDeliveries(status, before, limit) {
      return prune.run(status, before, limit).changes;
    },
    async pendingDeliveries() {
      return pending.get() ?? 0;
    },
  };
}
