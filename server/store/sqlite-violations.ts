import type Database from 'better-sqlite3';
import type { PlanReportRow, PlanViolation, ViolationStore } from './types.ts';

/**
 * Plan violations, one row per (event, kind, property path). The key makes recording idempotent: a
 * re-sent event (at-least-once delivery) is not counted twice.
 */
export const VIOLATIONS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS plan_violations (
    site_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    event       TEXT NOT NULL,
    path        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (site_id, message_id, kind, path)
  );
  CREATE INDEX IF NOT EXISTS plan_violations_by_site ON plan_violations (site_id, event, path, kind);
`;

interface GroupRow {
  event: string;
  path: string;
  kind: string;
  count: number;
  last_seen: string;
}

/**
 * Records violations of one site in a transaction of their own, or as part of the caller's (a nested
 * better-sqlite3 transaction is a savepoint): insertEvents stores events and violations together.
 */
export function sqliteViolationRecorder(
  db: Database.Database,
): (siteId: string, violations: PlanViolation[]) => void {
  const insert = db.prepare(
    `INSERT INTO plan_violations (site_id, message_id, event, path, kind, message, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  return db.transaction((siteId: string, violations: PlanViolation[]) => {
    const at = new Date().toISOString();
    for (const violation of violations)
      insert.run(
        siteId,
        violation.messageId,
        violation.event,
        violation.path,
        violation.kind,
        violation.message,
        at,
      );
  });
}

/** The violation store on an open SQLite database. */
export function sqliteViolationStore(db: Database.Database): ViolationStore {
  const record = sqliteViolationRecorder(db);
  const groups = db.prepare<[string], GroupRow>(
    `SELECT event, path, kind, COUNT(*) AS count, MAX(received_at) AS last_seen FROM plan_violations
     WHERE site_id = ? GROUP BY event, path, kind ORDER BY count DESC, event, path, kind`,
  );
  const examples = db.prepare<
    [string, string, string, string, number],
    { message_id: string; message: string }
  >(
    `SELECT message_id, message FROM plan_violations WHERE site_id = ? AND event = ? AND path = ? AND kind = ?
     ORDER BY received_at DESC, rowid DESC LIMIT ?`,
  );

  return {
    async insertViolations(siteId, violations) {
      record(siteId, violations);
    },

    async planReport(siteId, options = {}) {
      const limit = options.examples ?? 3;
      return groups.all(siteId).map(
        (group): PlanReportRow => ({
          event: group.event,
          path: group.path,
          kind: group.kind,
          count: group.count,
          lastSeen: group.last_seen,
          examples: examples
            .all(siteId, group.event, group.path, group.kind, limit)
            .map((example) => ({ messageId: example.message_id, message: example.message })),
        }),
      );
    },
  };
}
