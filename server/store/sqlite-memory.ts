import type Database from 'better-sqlite3';
import type { Device } from './sync-types.ts';
import type { Store } from './types.ts';

/** Entries each map keeps at most; past it the oldest entry goes (a bound on memory, not a policy). */
export const MEMORY_ENTRIES = 100_000;

/**
 * Store calls that never change a device, a profile, a record's sequence number or a watermark, so
 * they leave what SyncMemory holds as it is. Every other call (revoke, link, handoff claim,
 * compaction, housekeeping, reset, and any method added later) forgets everything: a new method is
 * safe until someone decides otherwise here.
 */
const KEEPS_MEMORY = new Set<string>([
  'deviceByTokenHash',
  'recordsSince',
  'compactionWatermark',
  'createDevice', // a new token and a new profile: nothing held can be about them
  'userProfile', // an existing profile read, or a new one: nothing held changes
  'profileUsage',
  'liveRecords',
  'profileCursor',
  'liveRecordsOfDocs',
  'receivedRecords',
  'conversations',
  'profileSummary',
  'lastSeen',
  'eventsOf',
  'insertEvents',
  'listEvents',
  'pageEvents',
  'createHandoff',
  'findHandoff',
  'endHandoffs',
  'removeEndedHandoffs',
  'insertViolations',
  'planReport',
  'isErasedToken',
  'suppressedSubjects',
  'exportUser',
  'consentOfUser',
  'ping',
]);

/**
 * What /v1/sync asks the database on every call, kept in memory where one process writes the
 * SQLite file: the device of a token hash, a profile's compaction watermark, and how far a profile's
 * records go (so an up-to-date cursor is answered without a query).
 *
 * Exact, not eventually right: this process forgets before its own change can be read (see
 * KEEPS_MEMORY; merges forget their profile inside their transaction), and a commit by any other
 * connection to the file (a maintenance script; two servers on one file are not supported, see
 * docs/deploy.md) shows in `PRAGMA data_version`, looked at once per turn of the event loop, and
 * forgets everything. A revoked token is refused on its next call.
 */
export function withSyncMemory(db: Database.Database, store: Store): Store {
  const memory = new SyncMemory(db);
  const wrapped: Record<string, unknown> = { ...store };
  for (const [name, method] of Object.entries(store)) {
    if (typeof method !== 'function' || KEEPS_MEMORY.has(name) || name === 'mergeRecords') continue;
    wrapped[name] = (...args: unknown[]) => {
      memory.forgetAll();
      const outcome: unknown = method.apply(store, args);
      // Forgotten again once done: a read made while it ran may have seen it half done.
      if (outcome instanceof Promise) return outcome.finally(() => memory.forgetAll());
      memory.forgetAll();
      return outcome;
    };
  }
  return { ...(wrapped as unknown as Store), ...cachedCalls(memory, store) };
}

function cachedCalls(
  memory: SyncMemory,
  store: Store,
): Pick<Store, 'deviceByTokenHash' | 'compactionWatermark' | 'recordsSince' | 'mergeRecords'> {
  return {
    async deviceByTokenHash(tokenHash) {
      const known = memory.device(tokenHash);
      if (known) return known;
      const since = memory.version;
      const device = await store.deviceByTokenHash(tokenHash);
      // Unknown tokens are not kept: a flood of made-up tokens must not fill the memory.
      if (device) memory.noteDevice(tokenHash, device, since);
      return device;
    },

    async compactionWatermark(siteId, profileId) {
      const key = profileKey(siteId, profileId);
      const known = memory.watermark(key);
      if (known !== undefined) return known;
      const since = memory.version;
      const watermark = await store.compactionWatermark(siteId, profileId);
      memory.noteWatermark(key, watermark, since);
      return watermark;
    },

    async recordsSince(siteId, profileId, after, limit) {
      const key = profileKey(siteId, profileId);
      // Exactly what the query answers when no record is above `after`.
      if (memory.upToDate(key, after)) return { records: [], cursor: after, more: false };
      const since = memory.version;
      const page = await store.recordsSince(siteId, profileId, after, limit);
      // A last page reaches the profile's newest record (or shows there is none after `after`).
      if (!page.more) memory.noteReach(key, page.records.length > 0 ? page.cursor : after, since);
      return page;
    },

    mergeRecords(siteId, profileId, ...rest) {
      // Runs inside the group commit's transaction (sqlite-group-commit.ts): forgotten before the
      // profile's new records can be read, and again after, whatever happened.
      const key = profileKey(siteId, profileId);
      memory.forgetProfile(key);
      const outcome = store.mergeRecords(siteId, profileId, ...rest);
      memory.forgetProfile(key);
      return outcome;
    },
  };
}

// Site and profile, as the records table keys them.
const profileKey = (siteId: string, profileId: string) => `${siteId}\u0000${profileId}`;

/** The maps, and when they were last known to match the file. */
class SyncMemory {
  /** Bumped on every forget, so a read that raced one does not store what it saw. */
  version = 0;
  readonly #devices = new Map<string, Device>();
  readonly #watermarks = new Map<string, number>();
  /** Per profile: no record of it has a sequence number above this. */
  readonly #reach = new Map<string, number>();
  readonly #dataVersion: Database.Statement<[], number>;
  #seenVersion: number;
  #lookedThisTurn = false;

  constructor(db: Database.Database) {
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.#seenVersion = this.#dataVersion.get() as number;
  }

  device(tokenHash: string): Device | undefined {
    this.#checkFile();
    const device = this.#devices.get(tokenHash);
    // A copy: the caller may change what it got, never what is kept.
    return device && { ...device };
  }

  watermark(key: string): number | undefined {
    this.#checkFile();
    return this.#watermarks.get(key);
  }

  upToDate(key: string, after: number): boolean {
    this.#checkFile();
    const reach = this.#reach.get(key);
    return reach !== undefined && after >= reach;
  }

  noteDevice(tokenHash: string, device: Device, since: number): void {
    if (since === this.version) remember(this.#devices, tokenHash, { ...device });
  }

  noteWatermark(key: string, watermark: number, since: number): void {
    if (since === this.version) remember(this.#watermarks, key, watermark);
  }

  noteReach(key: string, reach: number, since: number): void {
    if (since === this.version) remember(this.#reach, key, reach);
  }

  forgetProfile(key: string): void {
    this.version += 1;
    this.#reach.delete(key);
  }

  forgetAll(): void {
    this.version += 1;
    this.#devices.clear();
    this.#watermarks.clear();
    this.#reach.clear();
  }

  // Another connection committed since the last look: nothing held can be trusted. Looked at once
  // per turn of the event loop (a statement costs as much as the query it saves, ~5 µs here): a
  // commit another process made before sending us a request happened before that request's bytes
  // arrived, so before the turn that reads them began, and that turn looks again.
  #checkFile(): void {
    if (this.#lookedThisTurn) return;
    this.#lookedThisTurn = true;
    setImmediate(() => {
      this.#lookedThisTurn = false;
    }).unref();
    const current = this.#dataVersion.get() as number;
    if (current === this.#seenVersion) return;
    this.#seenVersion = current;
    this.forgetAll();
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MEMORY_ENTRIES) map.delete(map.keys().next().value as string);
}
