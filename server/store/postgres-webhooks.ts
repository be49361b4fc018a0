import type pg from 'pg';
import type { EventCredential } from './event-types.ts';
import type { Db } from './postgres-db.ts';
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
 * Queues the deliveries of the events just stored (`stored`: their messageIds, as the insert
 * returned them), in the caller's transaction. A messageId repeated in the batch was stored from its
 * first event: its deliveries are that event's.
 */
export async function queueDeliveries(
  db: Db,
  siteId: string,
  credential: EventCredential,
  messageIds: readonly string[],
  stored: ReadonlySet<string>,
  queued: QueuedDeliveries,
): Promise<void> {
  const ids: string[] = [];
  const webhooks: string[] = [];
  const seen = new Set<string>();
  messageIds.forEach((messageId, index) => {
    if (!stored.has(messageId) || seen.has(messageId)) return;
    seen.add(messageId);
    for (const webhook of queued.webhooks[index] ?? []) {
      ids.push(messageId);
      webhooks.push(webhook);
    }
  });
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO webhook_deliveries
       (site_id, webhook, message_id, credential, status, created_at, next_attempt_at, retry_until)
     SELECT $1, webhook, message_id, $2, 'pending', $3, $3, $4
       FROM unnest($5::text[], $6::text[]) AS queued (message_id, webhook)
     ON CONFLICT DO NOTHING`,
    [siteId, credential, queued.at, queued.retryUntil, ids, webhooks],
  );
}

/**
 * Claims due deliveries for a lease, with their events' bodies, in one statement. SKIP LOCKED: a
 * row another process is claiming at this moment is left to it rather than waited for; once its
 * claim commits, the lease keeps every other process off the row until it runs out.
 */
const CLAIM = `
  WITH claimed AS (
    UPDATE webhook_deliveries d SET lease_until = $1, attempts = d.attempts + 1
      FROM (SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= $2 AND lease_until <= $2
             ORDER BY next_attempt_at, id LIMIT $3
             FOR UPDATE SKIP LOCKED) due
     WHERE d.id = due.id
    RETURNING ${DELIVERY_COLUMNS.split(', ')
      .map((column) => `d.${column}`)
      .join(', ')}
  )
  SELECT claimed.*, e.body, e.received_at
    FROM claimed
    LEFT JOIN events e
      ON e.site_id = claimed.site_id AND e.message_id = claimed.message_id AND e.credential = claimed.credential`;

/** The webhook delivery queue on a PostgreSQL pool, shared by every server process on the database. */
export function postgresWebhookStore(pool: pg.Pool): WebhookStore {
  return {
    async claimDeliveries(now, leaseMs, limit) {
      const { rows } = await pool.query<ClaimedRow>(CLAIM, [now + leaseMs, now, limit]);
      return rows.map(fromClaimedRow);
    },
    async recordAttempt(id, lease, outcome) {
      const { rowCount } = await pool.query(
        `UPDATE webhook_deliveries
            SET status = $1, next_attempt_at = $2, last_error = $3, finished_at = $4, lease_until = 0
          WHERE id = $5 AND lease_until = $6`,
        [...outcomeColumns(outcome), id, lease],
      );
      return rowCount === 1;
    },
    async listDeliveries(siteId, filter) {
      const { sql, params } = deliveryQuery(siteId, filter, (position) => `$${position}`);
      const { rows } = await pool.query<DeliveryRow>(sql, params);
      return rows.map(fromDeliveryRow);
    },
    async retryDelivery(siteId, id, now, retryUntil) {
      const { rows } = await pool.query<DeliveryRow>(
        `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = $1, retry_until = $2, finished_at = NULL, lease_until = 0
          WHERE site_id = $3 AND id = $4
          RETURNING ${DELIVERY_COLUMNS}`,
        [now, retryUntil, siteId, id],
      );
      return rows[0] && fromDeliveryRow(rows[0]);
    },
    async pruneDeliveries(status, before, limit) {
      const { rowCount } = await pool.query(
        `DELETE FROM webhook_deliveries WHERE id IN
           (SELECT id FROM webhook_deliveries WHERE status = $1 AND finished_at < $2 LIMIT $3)`,
        [status, before, limit],
      );
      return rowCount ?? 0;
    },
    async pendingDeliveries() {
      const { rows } = await pool.query<{ count: string }>(
        "SELECT count(*) AS count FROM webhook_deliveries WHERE status = 'pending'",
      );
      return Number(rows[0]?.count ?? 0);
    },
  };
}
