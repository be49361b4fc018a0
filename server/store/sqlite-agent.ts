import type Database from 'better-sqlite3';
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
import { type DeviceSummaryRow, toDeviceSummary } from './rows.ts';

/** Reads the agent API needs; one index so the list does not scan every record of the site. */
export const AGENT_SCHEMA = `
  CREATE INDEX IF NOT EXISTS records_by_doc ON records (site_id, doc, profile_id);
`;

/** The agent reads on an open SQLite database. */
export function sqliteAgentStore(db: Database.Database): AgentStore {
  // substr, not LIKE: LIKE ignores case and treats "_" as a wildcard. No JSON function: one stored
  // value that SQLite cannot parse (nested past its json depth, say) would fail the whole list.
  const listSql = (after: string) =>
    `SELECT r.profile_id AS profileId, p.user_id AS userId, MAX(r.received_seq) AS lastReceived
       FROM records r JOIN profiles p ON p.id = r.profile_id
      WHERE r.site_id = ? AND r.doc = 'chat' AND r.deleted = 0 AND substr(r.key, 1, 2) = 'm:'
      GROUP BY r.profile_id ${after}
      ORDER BY lastReceived DESC, r.profile_id
      LIMIT ?`;
  const selectConversations = db.prepare<[string, number], ConversationRow>(listSql(''));
  const selectConversationsAfter = db.prepare<[string, number, number, string, number], ConversationRow>(
    listSql('HAVING MAX(r.received_seq) < ? OR (MAX(r.received_seq) = ? AND r.profile_id > ?)'),
  );
  const selectProfile = db.prepare<
    [string, string],
    { id: string; user_id: string | null; created_at: string }
  >('SELECT id, user_id, created_at FROM profiles WHERE site_id = ? AND id = ?');
  const selectDevices = db.prepare<[string], DeviceSummaryRow>(
    'SELECT id, anonymous_id, created_at, revoked_at FROM devices WHERE profile_id = ? ORDER BY created_at, id',
  );
  // Received last, not timestamped last: the server's clock, never a time the client claims.
  const selectLastSeen = db.prepare<[string, string], LastSeenRow>(
    `SELECT anonymous_id, received_at, body FROM events
      WHERE site_id = ? AND anonymous_id = ? AND credential = 'public'
      ORDER BY received_at DESC, rowid DESC LIMIT 1`,
  );

  const selectDoc = db.prepare<[string, string, string], ReceivedRow>(
    `SELECT ${RECEIVED_COLUMNS} FROM records
      WHERE site_id = ? AND profile_id = ? AND doc = ? AND deleted = 0 ORDER BY received_seq, key`,
  );
  const selectDocs = db.prepare<[string, string, number, string], ReceivedRow>(
    `SELECT ${RECEIVED_COLUMNS} FROM records
      WHERE site_id = ? AND profile_id = ? AND deleted = 0 AND substr(doc, 1, ?) = ? ORDER BY doc, key`,
  );

  return {
    async liveRecordsOfDocs(siteId, profileId, prefix) {
      return selectDocs.all(siteId, profileId, prefix.length, prefix).map(toReceivedRecord);
    },

    async receivedRecords(siteId, profileId, doc) {
      return selectDoc.all(siteId, profileId, doc).map(toReceivedRecord);
    },

    async conversations(siteId, limit, cursor) {
      const count = Math.max(0, Math.floor(limit));
      if (!cursor) return selectConversations.all(siteId, count);
      const { lastReceived, profileId } = cursor;
      return selectConversationsAfter.all(siteId, lastReceived, lastReceived, profileId, count);
    },

    async profileSummary(siteId, profileId) {
      const profile = selectProfile.get(siteId, profileId);
      if (!profile) return null;
      const devices = selectDevices.all(profileId).map(toDeviceSummary);
      return { profileId, userId: profile.user_id, createdAt: profile.created_at, devices };
    },

    async lastSeen(siteId, anonymousIds) {
      return anonymousIds.flatMap((anonymousId) => {
        const row = selectLastSeen.get(siteId, anonymousId);
        return row ? [toLastSeen(row)] : [];
      });
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
        .map(readEventRow);
    },
  };
}
