import { ApiError } from '../errors.ts';
import type { OverQuota, ProfileQuota } from '../store/sync-types.ts';
import type { RateLimitName } from './defaults.ts';

/** Retry-After of a full stream limit: places free as streams close, which no window tells. */
export const STREAM_RETRY_AFTER_SECONDS = 30;
/**
 * Retry-After of a full profile: room comes back when a device removes or shrinks records, or when
 * tombstones are compacted; a stuck device asking once a minute costs nothing.
 */
export const QUOTA_RETRY_AFTER_SECONDS = 60;

/** The code and the words of each rate limit's 429. */
const RATES: Record<RateLimitName, { code: string; what: string }> = {
  registrations: { code: 'rate_limited', what: 'device registrations from this address' },
  handoffs: { code: 'rate_limited', what: 'handoffs from this device' },
  handoffClaims: { code: 'rate_limited', what: 'handoff attempts from this device' },
  storeLookups: { code: 'rate_limited', what: 'in-store code attempts from this address' },
  typing: { code: 'rate_limited', what: 'typing signals from this device' },
  syncPerDevice: { code: 'sync_rate_limited', what: 'syncs from this device' },
  syncPerIp: { code: 'sync_rate_limited', what: 'syncs from this address' },
  batchesPerIp: { code: 'batch_rate_limited', what: 'event requests from this address' },
  agentKeyFailures: { code: 'agent_key_locked', what: 'wrong agent keys from this address' },
  loginsPerIp: { code: 'login_rate_limited', what: 'console logins from this address' },
  loginsPerAccount: { code: 'login_rate_limited', what: 'console logins for this name' },
};

/** The 429 of a rate limit, to retry in `retryAfter` seconds. */
export function rateLimited(name: RateLimitName, retryAfter: number): ApiError {
  const { code, what } = RATES[name];
  return tooMany(code, `Too many ${what}; retry in ${retryAfter} s`, retryAfter);
}

/** The 429 of a full stream limit. */
export function tooManyStreams(code: 'too_many_streams' | 'too_many_agent_streams', what: string): ApiError {
  return tooMany(
    code,
    `Too many open event streams ${what}; close one or retry in ${STREAM_RETRY_AFTER_SECONDS} s`,
    STREAM_RETRY_AFTER_SECONDS,
  );
}

/** The 429 of a push that would take its profile past a quota (nothing of it was stored). */
export function quotaExceeded(over: OverQuota, quota: ProfileQuota): ApiError {
  const message =
    over.limit === 'records'
      ? `This push would make the profile hold ${over.usage.records} records; the limit is ${quota.records}`
      : `This push would make the profile hold ${over.usage.bytes} bytes; the limit is ${quota.bytes}`;
  return tooMany(
    `${over.limit}_quota_exceeded`,
    `${message}. Nothing of it was stored: remove records, or push only updates that do not grow the profile`,
    QUOTA_RETRY_AFTER_SECONDS,
  );
}

function tooMany(code: string, message: string, retryAfter: number): ApiError {
  return new ApiError(429, code, message, { 'Retry-After': String(retryAfter) });
}
