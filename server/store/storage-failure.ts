/**
 * Tells a failing database apart from a failing request or a bug: a full disk, an I/O error, a lock
 * held past the busy timeout, PostgreSQL restarting or unreachable. Those answer 503 + Retry-After
 * (`storage_unavailable`): the request was fine and nothing of it was stored, so the client keeps it
 * and re-sends later. Everything else stays a 500.
 */

/** Seconds a client is told to wait (Retry-After) after a 503 `storage_unavailable`. */
export const STORAGE_RETRY_AFTER_S = 5;

// SQLite result codes (better-sqlite3's `code`, extended codes included: SQLITE_IOERR_WRITE, …) that
// say the file or the disk failed, not the statement.
const SQLITE_STORAGE =
  /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|NOMEM|PROTOCOL|CORRUPT|NOTADB|NOLFS|PERM)(_|$)/;

// PostgreSQL SQLSTATE classes and codes: 08 connection exception, 53 insufficient resources (disk
// full, out of memory, too many connections), 57P01-57P05 shutdown/restart/cannot connect now, 57014
// statement timeout, 40001/40P01 serialization failure/deadlock, 55P03 lock timeout, 58 system error.
const POSTGRES_STORAGE = /^(08...|53...|57P0.|57014|40001|40P01|55P03|58...|XX001|XX002)$/;

// Node socket errors on the way to PostgreSQL.
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// node-postgres (pg 8) reports a lost or timed-out connection with plain Errors that carry no code.
const POSTGRES_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/;

/** Whether `error` says the storage cannot serve right now (see the file's comment). */
export function isStorageFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code !== undefined) {
    return SQLITE_STORAGE.test(code) || POSTGRES_STORAGE.test(code) || NETWORK.has(code);
  }
  return POSTGRES_CONNECTION.test(error.message);
}

/**
 * A short name of the error's kind for logs: its class and code (`SqliteError SQLITE_FULL`,
 * `DatabaseError 57P01`, `TypeError`), never its message, which may quote the customer's data.
 */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  // The class (pg's DatabaseError calls itself "error"), else the name.
  const name =
    [error.constructor?.name, error.name].find((candidate) => /^[A-Z][\w$]{0,40}$/.test(candidate)) ??
    'Error';
  const code = codeOf(error);
  if (code !== undefined) return `${name} ${code}`;
  // pg's connection errors have no code; their fixed messages hold no data.
  const connection = POSTGRES_CONNECTION.exec(error.message);
  return connection ? `${name} "${connection[1]}"` : name;
}

/** A machine code (SQLITE_…, a SQLSTATE, ECONNREFUSED), or undefined: never free text. */
function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}
