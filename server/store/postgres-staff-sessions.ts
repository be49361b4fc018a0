import type pg from 'pg';
import { fromStaffSessionRow, STAFF_SESSION_COLUMNS, type StaffSessionRow } from './staff-session-schema.ts';
import type { StaffSessionStore } from './staff-session-types.ts';

/** The console's sessions in PostgreSQL, shared by every server process on the database. */
export function postgresStaffSessionStore(pool: pg.Pool): StaffSessionStore {
  return {
    async createStaffSession(session) {
      // One statement: the purge and the insert commit together without a transaction of their own.
      await pool.query(
        `WITH purged AS (DELETE FROM staff_sessions WHERE expires_at <= $6)
         INSERT INTO staff_sessions (${STAFF_SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          session.idHash,
          session.siteId,
          session.staffName,
          session.role,
          session.credential,
          session.createdAt,
          session.expiresAt,
        ],
      );
    },
    async findStaffSession(idHash, now) {
      const { rows } = await pool.query<StaffSessionRow>(
        `SELECT ${STAFF_SESSION_COLUMNS} FROM staff_sessions WHERE id_hash = $1 AND expires_at > $2`,
        [idHash, now],
      );
      return rows[0] ? fromStaffSessionRow(rows[0]) : null;
    },
    async deleteStaffSession(idHash) {
      await pool.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
    },
  };
}
