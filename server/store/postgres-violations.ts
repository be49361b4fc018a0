import { type Db, int } from './postgres-db.ts';
import type { PlanReportRow, ViolationStore } from './types.ts';

/**
 * Plan violations, one row per (event, kind, property path), as in SQLite: the key makes recording
 * idempotent. `id` gives the insertion order SQLite's rowid gives.
 */
export const VIOLATIONS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS plan_violations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    site_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    event       TEXT COLLATE "C" NOT NULL,
    path        TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    message     TEXT NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (site_id, message_id, kind, path)
  );
  CREATE INDEX IF NOT EXISTS plan_violations_by_site ON plan_violations (site_id, event, path, kind);
`;

interface GroupRow {
  event: string;
  path: string;
  kind: string;
  count: string;
  last_seen: string;
}

/** The violation store on a PostgreSQL pool. */
export function postgresViolationStore(db: Db): ViolationStore {
  return {
    async insertViolations(siteId, violations) {
      if (violations.length === 0) return;
      const at = new Date().toISOString();
      const column = <K extends keyof (typeof violations)[number]>(key: K) =>
        violations.map((violation) => violation[key]);
      // One statement for all of them (atomic on its own), one array parameter per column.
      await db.query(
        `INSERT INTO plan_violations (site_id, message_id, event, path, kind, message, received_at)
         SELECT $1, message_id, event, path, kind, message, $2
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
                AS v (message_id, event, path, kind, message, ord)
          ORDER BY ord
         ON CONFLICT DO NOTHING`,
        [siteId, at, column('messageId'), column('event'), column('path'), column('kind'), column('message')],
      );
    },

    async planReport(siteId, options = {}) {
      const limit = options.examples ?? 3;
      const { rows: groups } = await db.query<GroupRow>(
        `SELECT event, path, kind, COUNT(*) AS count, MAX(received_at) AS last_seen FROM plan_violations
          WHERE site_id = $1 GROUP BY event, path, kind ORDER BY count DESC, event, path, kind`,
        [siteId],
      );
      const report: PlanReportRow[] = [];
      for (const group of groups) {
        const { rows } = await db.query<{ message_id: string; message: string }>(
          `SELECT message_id, message FROM plan_violations
            WHERE site_id = $1 AND event = $2 AND path = $3 AND kind = $4
            ORDER BY received_at DESC, id DESC LIMIT $5`,
          [siteId, group.event, group.path, group.kind, limit],
        );
        report.push({
          event: group.event,
          path: group.path,
          kind: group.kind,
          count: int(group.count),
          lastSeen: group.last_seen,
          examples: rows.map((example) => ({ messageId: example.message_id, message: example.message })),
        });
      }
      return report;
    },
  };
}
