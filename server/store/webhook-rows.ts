import type { EventCredential } from './event-types.ts';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  Delivery,
  DeliveryFilter,
  DeliveryStatus,
} from './webhook-types.ts';

/** A webhook_deliveries row as both engines read it (PostgreSQL's BIGINTs arrive as strings). */
export interface DeliveryRow {
  id: number | string;
  site_id: string;
  webhook: string;
  message_id: string;
  credential: EventCredential;
  status: DeliveryStatus;
  attempts: number;
  created_at: number | string;
  next_attempt_at: number | string;
  retry_until: number | string;
  lease_until: number | string;
  last_error: string | null;
  finished_at: number | string | null;
}

/** A claimed row, with its event's body and arrival (null when the event is gone). */
export interface ClaimedRow extends DeliveryRow {
  body: string | null;
  received_at: string | null;
}

const ms = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function fromDeliveryRow(row: DeliveryRow): Delivery {
  return {
    id: String(row.id),
    siteId: row.site_id,
    webhook: row.webhook,
    messageId: row.message_id,
    credential: row.credential,
    status: row.status,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    nextAttemptAt: row.status === 'pending' ? ms(row.next_attempt_at) : null,
    retryUntil: Number(row.retry_until),
    lastError: row.last_error,
    deliveredAt: row.status === 'delivered' ? ms(row.finished_at) : null,
  };
}

export function fromClaimedRow(row: ClaimedRow): ClaimedDelivery {
  return {
    ...fromDeliveryRow(row),
    lease: Number(row.lease_until),
    body: row.body,
    receivedAt: row.received_at,
  };
}

/**
 * An outcome as the columns it sets, in this order: status, next_attempt_at, last_error, finished_at.
 * A delivered row has no error: `attempts` tells that it took several.
 */
export function outcomeColumns(
  outcome: AttemptOutcome,
): [DeliveryStatus, number, string | null, number | null] {
  switch (outcome.status) {
    case 'delivered':
      return ['delivered', outcome.at, null, outcome.at];
    case 'pending':
      return ['pending', outcome.nextAttemptAt, outcome.error, null];
    case 'failed':
      return ['failed', outcome.at, outcome.error, outcome.at];
  }
}

/** The columns the API lists, in SELECT form. */
export const DELIVERY_COLUMNS =
  'id, site_id, webhook, message_id, credential, status, attempts, created_at, next_attempt_at, retry_until, lease_until, last_error, finished_at';

/**
 * listDeliveries as SQL, newest first: `mark(n)` is the database's n-th placeholder (`?` in SQLite,
 * `$n` in PostgreSQL).
 */
export function deliveryQuery(
  siteId: string,
  filter: DeliveryFilter,
  mark: (position: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [siteId];
  const where = [`site_id = ${mark(1)}`];
  const conditions = [
    ['status =', filter.status],
    ['webhook =', filter.webhook],
    ['id <', filter.before === undefined ? undefined : Number(filter.before)],
  ] as const;
  for (const [test, value] of conditions) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${test} ${mark(params.length)}`);
  }
  params.push(filter.limit);
  const sql = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where.join(' AND ')}
                ORDER BY id DESC LIMIT ${mark(params.length)}`;
  return { sql, params };
}
