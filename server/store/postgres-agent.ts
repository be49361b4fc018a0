import {
  type LastSeenRow,
  RECEIVED_COLUMNS,
  type ReceivedRow,
  readEventRow,
  toLastSeen,
  toReceivedRecord,
} from './agent-rows.ts';
import type { AgentStore, ConversationRow } from './agent-types.ts';
import type { EventRow } from './event-row.ts';
import { type Db, int } from './postgres-db.ts';
import { type DeviceSummaryRow, toDeviceSummary } from './rows.ts';

/** Reads the agent API needs; one index so the list does not scan every record of the site. */
export const AGENT_SCHEMA = `
  CREATE INDEX IF NOT EXISTS records_by_doc ON records (site_id, doc, profile_id);
`;

/** The agent reads on a PostgreSQL pool (the queries of sqlite-agent.ts). */
export function postgresAgentStore(db: Db): AgentStore {
  return {
    async liveRecordsOfDocs(siteId, profileId, prefix) {
      // left(), not LIKE: LIKE treats "_" and "%" as wildcards.
      const { rows } = await db.query<ReceivedRow>(
        `SELECT ${RECEIVED_COLUMNS} FROM records
          WHERE site_id = $1 AND profile_id = $2 AND NOT deleted AND left(doc, $3) = $4 ORDER BY doc, key`,
        [siteId, profileId, prefix.length, prefix],
      );
      return rows.map(toReceivedRecord);
    },

    async receivedRecords(siteId, profileId, doc) {
      const { rows } = await db.query<ReceivedRow>(
        `SELECT ${RECEIVED_COLUMNS} FROM records
          WHERE site_id = $1 AND profile_id = $2 AND doc = $3 AND NOT deleted ORDER BY received_seq, key`,
        [siteId, profileId, doc],
      );
      return rows.map(toReceivedRecord);
    },

    async conversations(siteId, limit, cursor) {
      // No cast to jsonb: one stored value PostgreSQL's jsonb refuses (a \u0000 or a lone surrogate
      // escape, say) would fail the whole list. The values are read one by one, in JavaScript.
      const params: unknown[] = [siteId, Math.max(0, Math.floor(limit))];
      let after = '';
      if (cursor) {
        params.push(cursor.lastReceived, cursor.profileId);
        after = 'HAVING MAX(r.received_seq) < $3 OR (MAX(r.received_seq) = $3 AND r.profile_id > $4)';
      }
      const { rows } = await db.query<Omit<ConversationRow, 'lastReceived'> & { lastReceived: string }>(
        `SELECT r.profile_id AS "profileId", p.user_id AS "userId", MAX(r.received_seq) AS "lastReceived"
           FROM records r JOIN profiles p ON p.id = r.profile_id
          WHERE r.site_id = $1 AND r.doc = 'chat' AND NOT r.deleted AND left(r.key, 2) = 'm:'
          GROUP BY r.profile_id, p.user_id ${after}
          ORDER BY "lastReceived" DESC, r.profile_id
          LIMIT $2`,
        params,
      );
      return rows.map((row) => ({ ...row, lastReceived: int(row.lastReceived) }));
    },

    async profileSummary(siteId, profileId) {
      const profile = (
        await db.query<{ user_id: string | null; created_at: string }>(
          'SELECT user_id, created_at FROM profiles WHERE site_id = $1 AND id = $2',
          [siteId, profileId],
        )
      ).rows[0];
      if (!profile) return null;
      const { rows } = await db.query<DeviceSummaryRow>(
        'SELECT id, anonymous_id, created_at, revoked_at FROM devices WHERE profile_id = $1 ORDER BY created_at, id',
        [profileId],
      );
      const devices = rows.map(toDeviceSummary);
      return { profileId, userId: profile.user_id, createdAt: profile.created_at, devices };
    },

    async lastSeen(siteId, anonymousIds) {
      if (anonymousIds.length === 0) return [];
      // Received last, not timestamped last: the server's clock, never a time the client claims.
      const { rows } = await db.query<LastSeenRow>(
        `SELECT DISTINCT ON (anonymous_id) anonymous_id, received_at, body FROM events
          WHERE site_id = $1 AND anonymous_id = ANY($2::text[]) AND credential = 'public'
          ORDER BY anonymous_id, received_at DESC, id DESC`,
        [siteId, anonymousIds],
      );
      return rows.map(toLastSeen);
    },

    async eventsOf(siteId, owners, { type, credential, limit }) {
      const params: unknown[] = [siteId];
      const who: string[] = [];
      if (owners.anonymousIds.length > 0) {
        params.push(owners.anonymousIds);
        who.push(`anonymous_id = ANY($${params.length}::text[])`);
      }
      if (owners.userId !== null) {
        params.push(owners.userId);
        who.push(`user_id = $${params.length}`);
      }
      if (who.length === 0) return [];
      let sql = `SELECT * FROM events WHERE site_id = $1 AND (${who.join(' OR ')})`;
      if (type !== undefined) {
        params.push(type);
        sql += ` AND type = $${params.length}`;
      }
      if (credential !== undefined) {
        params.push(credential);
        sql += ` AND credential = $${params.length}`;
      }
      params.push(Math.max(0, Math.floor(limit)));
      sql += ` ORDER BY timestamp DESC, id DESC LIMIT $${params.length}`;
      return (await db.query<EventRow>(sql, params)).rows.map(readEventRow);
    },
  };
}
