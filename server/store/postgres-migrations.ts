import type { Migration } from './migrations.ts';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The wall-clock ms of an HLC column (its first 9 characters are base 36), in PostgreSQL's SQL. */
const hlcMs = (column: string) =>
  Array.from(
    { length: 9 },
    (_, i) => `(strpos('${BASE36}', substr(${column}, ${i + 1}, 1)) - 1)::bigint * ${36 ** (8 - i)}`,
  ).join(' + ');

/** PostgreSQL's schema changes after version 1, oldest first (see migrations.ts). */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'records remember when the server received them (received_seq, received_at)',
    // As in sqlite-migrations.ts: set once per stored version, never renumbered by compaction.
    sql: `
      ALTER TABLE records ADD COLUMN received_seq BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN received_at BIGINT NOT NULL DEFAULT 0;
      UPDATE records SET received_seq = seq, received_at = GREATEST(0, ${hlcMs('hlc')});
    `,
  },
];
