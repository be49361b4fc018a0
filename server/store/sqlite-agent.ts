import type Database from 'better-sqlite3';
import type { AgentStore, ConversationRow } from './agent-types.ts';
import { type EventRow, fromEventRow } from './event-row.ts';
import { type DeviceSummaryRow, toDeviceSummary } from './rows.ts';

/** Reads the agent API needs; one index so the list does not scan every record of the site. */
export const AGENT_SCHEMA = `
  CREATE INDEX IF NOT EXISTS records_by_doc ON records (site_id, doc, profile_id);
`;

/** The agent reads on an open SQLite database. */
export function sqliteAgentStore(db: Database.Database): AgentStore {
  // substr, not LIKE: LIKE ignores case and treats "_" as a wildcard.
  const selectConversations = db.prepare<[string, number], ConversationRow>(
    `SELECT r.profile_id AS profileId, p.user_id AS userId,
            MAX(CAST(json_extract(r.value, '$.at') AS REAL)) AS lastAt
       FROM records r JOIN profiles p ON p.id = r.profile_id
      WHERE r.site_id = ? AND r.doc = 'chat' AND r.deleted = 0 AND substr(r.key, 1, 2) = 'm:'
      GROUP BY r.profile_id
      ORDER BY lastAt DESC, r.profile_id
      LIMIT ?`,
  );
  const selectProfile = db.prepare<
    [string, string],
    { id: string; user_id: string | null; created_at: string }
  >('SELECT id, user_id, created_at FROM profiles WHERE site_id = ? AND id = ?');
  const selectDevices = db.prepare<[string], DeviceSummaryRow>(
    'SELECT id, anonymous_id, created_at, revoked_at FROM devices WHERE profile_id = ? ORDER BY created_at, id',
  );

  const selectDocs = db.prepare<
    [string, string, number, string],
    { doc: string; key: string; value: string; hlc: string }
  >(
    `SELECT doc, key, value, hlc FROM records
      WHERE site_id = ? AND profile_id = ? AND deleted = 0 AND substr(doc, 1, ?) = ? ORDER BY doc, key`,
  );

  return {
    async liveRecordsOfDocs(siteId, profileId, prefix) {
      return selectDocs.all(siteId, profileId, prefix.length, prefix).map((r) => ({
        doc: r.doc,
        key: r.key,
        value: JSON.parse(r.value) as unknown,
        hlc: r.hlc,
        deleted: false,
      }));
    },

    async conversations(siteId, limit) {
      return selectConversations.all(siteId, Math.max(0, Math.floor(limit)));
    },

    async profileSummary(siteId, profileId) {
      const profile = selectProfile.get(siteId, profileId);
      if (!profile) return null;
      const devices = selectDevices.all(profileId).map(toDeviceSummary);
      return { profileId, userId: profile.user_id, createdAt: profile.created_at, devices };
    },

    async eventsOf(siteId, owners, { type, credential, limit }) {
      const who: string[] = [];
      const params: unknown[] = [siteId];
      if (owners.anonymousIds.length > 0) {
        who.push(`anonymous_id IN (${owners.anonymousIds.map(() => '?').join(', ')})`);
        params.push(...owners.anonymousIds);
      }
      if (owners.userId !== null) {
        who.push('user_id = ?');
        params.push(owners.userId);
      }
      if (who.length === 0) return [];
      let sql = `SELECT * FROM events WHERE site_id = ? AND (${who.join(' OR ')})`;
      if (type !== undefined) {
        sql += ' AND type = ?';
        params.push(type);
      }
      if (credential !== undefined) {
        sql += ' AND credential = ?';
        params.push(credential);
      }
      sql += ' ORDER BY timestamp DESC, rowid DESC LIMIT ?';
      params.push(Math.max(0, Math.floor(limit)));
      return db
        .prepare<unknown[], EventRow>(sql)
        .all(...params)
        .map(fromEventRow);
    },
  };
}
