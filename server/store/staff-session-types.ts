/**
 * Storage port of the console's sign-ins (server/console/): in the database, not in memory, so every
 * server process sharing it knows a session, and a logout on one is a logout on all.
 */

/** One signed-in staff member. */
export interface StaffSession {
  /** sha256 (hex) of the session id the cookie holds: a copy of the table opens no console. */
  idHash: string;
  siteId: string;
  staffName: string;
  role: string;
  /**
   * A digest of the account's password hash when the session opened: a new password (a leaked one
   * replaced) ends the sessions opened with the old one.
   */
  credential: string;
  /** When it was opened and when it ends, ms of the server's clock. */
  createdAt: number;
  expiresAt: number;
}

export interface StaffSessionStore {
  /** Stores a new session, and deletes the sessions that ended before its start. */
  createStaffSession(session: StaffSession): Promise<void>;
  /** The session with this id hash, unless it has ended by `now`. */
  findStaffSession(idHash: string, now: number): Promise<StaffSession | null>;
  /** Ends a session (logout, or an account that left the config); nothing when there is none. */
  deleteStaffSession(idHash: string): Promise<void>;
}
