import type { Migration } from './migrations.ts';

/** SQLite's schema changes after version 1, oldest first (see migrations.ts). */
export const SQLITE_MIGRATIONS: readonly Migration[] = [];
