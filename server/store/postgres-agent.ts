import type { AgentStore, ConversationRow } from './agent-types.ts';
import { type EventRow, fromEventRow } from './event-row.ts';
import type { Db } from './postgres-db.ts';
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
      const { rows } = await db.query<{ doc: string; key: string; value: string; hlc: string }>(
        `SELECT doc, key, value, hlc FROM records
          WHERE site_id = $1 AND profile_id = $2 AND NOT deleted AND left(doc, $3) = $4 ORDER BY doc, key`,
        [siteId, profileId, prefix.length, prefix],
      );
      return rows.map((r) => ({
        doc: r.doc,
        key: r.key,
        value: JSON.parse(r.value) as unknown,
        hlc: r.hlc,
        deleted: false,
      }));
    },

    async conversations(siteId, limit) {
      // Chat messages' `at` is checked to be a number on the way in (server/chat/trust.ts); the CASE
      // keeps one odd row from failing the whole list. NULLS LAST: SQLite sorts NULL lowest.
      const { rows } = await db.query<ConversationRow>(
        `SELECT r.profile_id AS "profileId", p.user_id AS "userId",
                MAX(CASE WHEN jsonb_typeof(r.value::jsonb -> 'at') = 'number'
                         THEN (r.value::jsonb ->> 'at')::float8 END) AS "lastAt"
           FROM records r JOIN profiles p ON p.id = r.profile_id
          WHERE r.site_id = $1 AND r.doc = 'chat' AND NOT r.deleted AND left(r.key, 2) = 'm:'
          GROUP BY r.profile_id, p.user_id
          ORDER BY "lastAt" DESC NULLS LAST, r.profile_id
          LIMIT $2`,
        [siteId, Math.max(0, Math.floor(limit))],
      );
      return rows;
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
      return (await db.query<EventRow>(sql, params)).rows.map(fromEventRow);
    },
  };
}
