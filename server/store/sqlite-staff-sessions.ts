import type Database from 'better-sqlite3';
import { fromStaffSessionRow, STAFF_SESSION_COLUMNS, type StaffSessionRow } from './staff-session-schema.ts';
import type { StaffSessionStore } from './staff-session-types.ts';

/** The console's sessions on an open SQLite database. */
export function sqliteStaffSessionStore(db: Database.Database): StaffSessionStore {
  const insert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO staff_sessions (${STAFF_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const purge = db.prepare<[number]>('DELETE FROM staff_sessions WHERE expires_at <= ?');
  const find = db.prepare<[string, number], StaffSessionRow>(
    `SELECT ${STAFF_SESSION_COLUMNS} FROM staff_sessions WHERE id_hash = ? AND expires_at > ?`,
  );
  const remove = db.prepare<[string]>('DELETE FROM staff_sessions WHERE id_hash = ?');
  return {
    async createStaffSession(session) {
      db.transaction(() => {
        purge.run(session.createdAt);
        insert.run(
          session.idHash,
          session.siteId,
          session.staffName,
          session.role,
          session.credential,
          session.createdAt,
          session.expiresAt,
        );
      })();
    },
    async findStaffSession(idHash, now) {
      const row = find.get(idHash, now);
      return row ? fromStaffSessionRow(row) : null;
    },
    async deleteStaffSession(idHash) {
      remove.run(idHash);
    },
  };
}
