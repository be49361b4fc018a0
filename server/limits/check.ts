import {
  COUNT_LIMIT_NAMES,
  type Limits,
  RATE_LIMIT_NAMES,
  SERVER_WIDE_LIMITS,
  type SiteLimits,
} from './defaults.ts';
import type { RateLimit } from './rate-limiter.ts';

const RATES: readonly string[] = RATE_LIMIT_NAMES;
const COUNTS: readonly string[] = COUNT_LIMIT_NAMES;
const SERVER_WIDE: readonly string[] = SERVER_WIDE_LIMITS;

/**
 * Validates a `limits` object (server-wide: the config's top level or createServer's option; or a
 * site's), throwing on the first problem with the field named from `where` ("sites[0].limits").
 */
export function checkLimits(raw: unknown, where: string, scope: 'server'): Partial<Limits>;
export function checkLimits(raw: unknown, where: string, scope: 'site'): Partial<SiteLimits>;
export function checkLimits(raw: unknown, where: string, scope: 'server' | 'site'): Partial<Limits> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${where} must be an object like {"syncPerDevice": {"limit": 600, "windowMs": 60000}}`);
  }
  const limits: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const field = `${where}.${name}`;
    if (scope === 'site' && SERVER_WIDE.includes(name)) {
      throw new Error(`${field} is server-wide: set it in the top-level "limits"`);
    }
    if (RATES.includes(name)) limits[name] = checkRate(value, field);
    else if (COUNTS.includes(name)) limits[name] = checkCount(value, field);
    else {
      const known = [...RATES, ...COUNTS].filter(
        (limit) => scope === 'server' || !SERVER_WIDE.includes(limit),
      );
      throw new Error(`${field} is not a limit; known: ${known.join(', ')}`);
    }
  }
  return limits as Partial<Limits>;
}

function checkRate(value: unknown, field: string): RateLimit {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${field} must be {"limit": <requests>, "windowMs": <milliseconds>}`);
  }
  const { limit, windowMs } = value as Record<string, unknown>;
  checkCount(limit, `${field}.limit`);
  if (typeof windowMs !== 'number' || !(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new Error(`${field}.windowMs must be a number > 0 (milliseconds)`);
  }
  return { limit: limit as number, windowMs };
}

function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${field} must be an integer >= 1`);
  }
  return value;
}
