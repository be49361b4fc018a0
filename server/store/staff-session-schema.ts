/**
 * The console's sessions table (see staff-session-types.ts), added by migration 9 of each database
 * under the same name. Times are ms of the server's clock.
 */
export const STAFF_SESSIONS_MIGRATION_NAME =
  'console sign-ins: staff sessions shared by every server process';

const table = (ms: string) => `
  CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    staff_name TEXT NOT NULL,
    role       TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at ${ms} NOT NULL,
    expires_at ${ms} NOT NULL
  );
  CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);
`;

export const SQLITE_STAFF_SESSIONS_MIGRATION_SQL = table('INTEGER');
export const POSTGRES_STAFF_SESSIONS_MIGRATION_SQL = table('BIGINT');

/** A row as both databases read it back (PostgreSQL's BIGINT comes back as a string). */
export interface StaffSessionRow {
  id_hash: string;
  site_id: string;
  staff_name: string;
  role: string;
  credential: string;
  created_at: number | string;
  expires_at: number | string;
}

export const STAFF_SESSION_COLUMNS = 'id_hash, site_id, staff_name, role, credential, created_at, expires_at';

export function fromStaffSessionRow(row: StaffSessionRow) {
  return {
    idHash: row.id_hash,
    siteId: row.site_id,
    staffName: row.staff_name,
    role: row.role,
    credential: row.credential,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}
