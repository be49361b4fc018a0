/** Limits and quotas: what no client may exceed, per site, and who a request counts against. */
export { checkLimits } from './check.ts';
export { addressBucket, clientAddress, TrustedProxies } from './client-address.ts';
export { DEFAULT_LIMITS, type Limits, type RateLimitName, type SiteLimits } from './defaults.ts';
export type { RateLimit } from './rate-limiter.ts';
export { quotaExceeded } from './refusals.ts';
export { RejectionList } from './rejections.ts';
export { type LimitsOptions, ServerLimits } from './server-limits.ts';
