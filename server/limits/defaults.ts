import type { RateLimit } from './rate-limiter.ts';

/**
 * Every limit and quota of the server. Rates count requests in fixed windows; the others count what
 * is open or stored at once. Each answers 429 with Retry-After and a code naming it (see LIMIT_CODES).
 */
export interface Limits {
  /** Device registrations (POST /v1/devices) per client IP. */
  registrations: RateLimit;
  /** Handoff creations per device. */
  handoffs: RateLimit;
  /** Handoff peeks and claims per device, together: guessing tokens must stay slow. */
  handoffClaims: RateLimit;
  /** In-store code lookups and sales per client IP, together: guessing codes must stay slow. */
  storeLookups: RateLimit;
  /** Typing signals per device (POST /v1/chat/typing); the ones over the limit are dropped silently. */
  typing: RateLimit;
  /** POST /v1/sync per device. */
  syncPerDevice: RateLimit;
  /** POST /v1/sync per client IP, all devices together. */
  syncPerIp: RateLimit;
  /** Event ingest requests (/v1/batch and every Segment/RudderStack route) per client IP. */
  batchesPerIp: RateLimit;
  /** Open GET /v1/stream connections per device. */
  streamsPerDevice: number;
  /** Open GET /v1/stream connections per client IP. */
  streamsPerIp: number;
  /** Open GET /v1/agent/stream connections per agent key (so per site). */
  agentStreamsPerKey: number;
  /** Records (tombstones included) stored per profile. */
  recordsPerProfile: number;
  /** Bytes stored per profile: UTF-8 doc name + key + JSON value of every record. */
  bytesPerProfile: number;
  /**
   * Wrong agent keys per client IP; past it every agent call from that IP, with the right key too,
   * answers 429 until the window ends. Server-wide: a wrong key names no site.
   */
  agentKeyFailures: RateLimit;
  /** Console login attempts per client IP, right or wrong; past it, 429 until the window ends. */
  loginsPerIp: RateLimit;
  /**
   * Console login attempts per account name, from any address: guessing one password from many
   * addresses stays slow. A name that is no account counts the same, so the answer names no account.
   */
  loginsPerAccount: RateLimit;
}

/** The limits a site may set for itself (`limits` of a site in the config). */
export type SiteLimits = Omit<Limits, ServerWideLimitName>;

/** Limits that only exist server-wide. */
export const SERVER_WIDE_LIMITS = ['agentKeyFailures', 'loginsPerIp', 'loginsPerAccount'] as const;

/** A limit that only exists server-wide: a wrong key, or a login, names no site. */
export type ServerWideLimitName = (typeof SERVER_WIDE_LIMITS)[number];

/** The limits counted in windows, and the ones counted as a number. */
export const RATE_LIMIT_NAMES = [
  'registrations',
  'handoffs',
  'handoffClaims',
  'storeLookups',
  'typing',
  'syncPerDevice',
  'syncPerIp',
  'batchesPerIp',
  'agentKeyFailures',
  'loginsPerIp',
  'loginsPerAccount',
] as const;
export const COUNT_LIMIT_NAMES = [
  'streamsPerDevice',
  'streamsPerIp',
  'agentStreamsPerKey',
  'recordsPerProfile',
  'bytesPerProfile',
] as const;

/** A limit counted in windows. */
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

const MINUTE = 60_000;

/**
 * Defaults: far above what the Omnikit SDK (or a Segment/RudderStack client) does in a real browser,
 * far below what a script can do. docs/protocol.md ("Limits") gives the reasoning users read.
 */
export const DEFAULT_LIMITS: Limits = {
  registrations: { limit: 30, windowMs: MINUTE },
  handoffs: { limit: 5, windowMs: MINUTE },
  handoffClaims: { limit: 30, windowMs: MINUTE },
  // A till reads a code or two a minute; a shop's tills may share one address.
  storeLookups: { limit: 60, windowMs: MINUTE },
  // A client renews "typing" every 3 s at most (20 a minute), plus its "stopped" signals.
  typing: { limit: 30, windowMs: MINUTE },
  // The SDK syncs one request at a time, 50 ms after a change; form drafts save every 300 ms at most
  // (200 a minute while typing), plus one sync per stream nudge and pages of 1,000 records.
  syncPerDevice: { limit: 600, windowMs: MINUTE },
  // Ten devices at the per-device maximum, or hundreds of ordinary ones behind one NAT.
  syncPerIp: { limit: 6000, windowMs: MINUTE },
  // The SDK flushes at most once a second per browser (60 a minute): a hundred busy browsers per IP.
  batchesPerIp: { limit: 6000, windowMs: MINUTE },
  // One per browser (one tab holds the stream), plus connections a network change left half-open.
  streamsPerDevice: 5,
  streamsPerIp: 500,
  // One per open agent console.
  agentStreamsPerKey: 100,
  // Years of carts, drafts and chat; one device writing 16 KB values stops at ~320 of them.
  recordsPerProfile: 10_000,
  bytesPerProfile: 5 * 1024 * 1024,
  agentKeyFailures: { limit: 10, windowMs: 5 * MINUTE },
  // A person mistypes a few times; a script guessing passwords gets 20 tries per 5 minutes per address.
  loginsPerIp: { limit: 20, windowMs: 5 * MINUTE },
  loginsPerAccount: { limit: 10, windowMs: 5 * MINUTE },
};
