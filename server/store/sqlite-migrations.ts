import type { Migration } from './migrations.ts';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The wall-clock ms of an HLC column (its first 9 characters are base 36), in SQLite's SQL. */
const hlcMs = (column: string) =>
  Array.from(
    { length: 9 },
    (_, i) => `(instr('${BASE36}', substr(${column}, ${i + 1}, 1)) - 1) * ${36 ** (8 - i)}`,
  ).join(' + ');

/** SQLite's schema changes after version 1, oldest first (see migrations.ts). */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'records remember when the server received them (received_seq, received_at)',
    // seq is what the records of a profile were last numbered for pulling, and compaction renumbers
    // it; a record's receive position is set once per stored version and never moved. Rows from
    // before have only their seq (their receive order, unless a compaction moved them) and their
    // HLC's time (which the server checked against its own clock when it took them).
    sql: `
      ALTER TABLE records ADD COLUMN received_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN received_at INTEGER NOT NULL DEFAULT 0;
      UPDATE records SET received_seq = seq, received_at = MAX(0, ${hlcMs('hlc')});
    `,
  },
];
