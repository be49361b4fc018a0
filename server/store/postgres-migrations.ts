import type { Migration } from './migrations.ts';

/** PostgreSQL's schema changes after version 1, oldest first (see migrations.ts). */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [];
