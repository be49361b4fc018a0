// The schema a database had at version 1 (before any numbered migration), built straight from the
// version-1 constants in the order each store creates them: how the upgrade tests make an old database.
import { MIGRATIONS_TABLE } from '../../server/store/migrations.ts';
import * as pgAgent from '../../server/store/postgres-agent.ts';
import * as pgCompaction from '../../server/store/postgres-compaction.ts';
import * as pgDevices from '../../server/store/postgres-devices.ts';
import * as pgDocuments from '../../server/store/postgres-documents.ts';
import * as pgEvents from '../../server/store/postgres-events.ts';
import * as pgHandoffs from '../../server/store/postgres-handoffs.ts';
import * as pgViolations from '../../server/store/postgres-violations.ts';
import * as sqliteAgent from '../../server/store/sqlite-agent.ts';
import * as sqliteCompaction from '../../server/store/sqlite-compaction.ts';
import * as sqliteDevices from '../../server/store/sqlite-devices.ts';
import * as sqliteDocuments from '../../server/store/sqlite-documents.ts';
import * as sqliteEvents from '../../server/store/sqlite-events.ts';
import * as sqliteHandoffs from '../../server/store/sqlite-handoffs.ts';
import * as sqliteViolations from '../../server/store/sqlite-violations.ts';

/** The version-1 tables of `engine` ('sqlite' or 'postgres'), as one script. */
export function version1Schema(engine: string): string {
  const parts =
    engine === 'postgres'
      ? [
          pgEvents.EVENTS_SCHEMA,
          pgDevices.DEVICES_SCHEMA,
          pgDocuments.DOCUMENTS_SCHEMA,
          pgCompaction.COMPACTION_SCHEMA,
          pgHandoffs.HANDOFFS_SCHEMA,
          pgAgent.AGENT_SCHEMA,
          pgViolations.VIOLATIONS_SCHEMA,
        ]
      : [
          sqliteEvents.EVENTS_SCHEMA,
          sqliteDevices.DEVICES_SCHEMA,
          sqliteDocuments.DOCUMENTS_SCHEMA,
          sqliteCompaction.COMPACTION_SCHEMA,
          sqliteHandoffs.HANDOFFS_SCHEMA,
          sqliteAgent.AGENT_SCHEMA,
          sqliteViolations.VIOLATIONS_SCHEMA,
        ];
  return parts.join('') + MIGRATIONS_TABLE;
}
