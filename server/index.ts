/** Omnikit's reference backend: public API. */
export type { Listening, OmnikitServer, ServerOptions } from './app.ts';
export { createServer } from './app.ts';
export { loadSites } from './config.ts';
export type { Faults } from './faults.ts';
export type { Site } from './sites.ts';
export type { ServerStats } from './stats.ts';
export { openSqliteStore } from './store/sqlite.ts';
export type { EventFilter, EventStore, StoredEvent } from './store/types.ts';
