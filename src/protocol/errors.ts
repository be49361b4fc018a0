/** The one error body of the protocol, with every 4xx and 5xx: `code` for machines, `message` for developers. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Why a value was refused by the value rules (the top of docs/protocol.md): `invalid_string` (a
 * string or key holds U+0000 or a lone surrogate), `invalid_number` (a number JSON cannot hold),
 * `too_deep` (nested past MAX_JSON_DEPTH).
 */
export const VALUE_PROBLEM_CODES = ['invalid_string', 'invalid_number', 'too_deep'] as const;
export type ValueProblemCode = (typeof VALUE_PROBLEM_CODES)[number];

/**
 * Whether a client retries a failed call later: network errors (status 0), 5xx, 408 and 429 (after
 * Retry-After). Any other 4xx is final.
 */
export const isRetryable = (status: number): boolean =>
  !status || status >= 500 || status === 408 || status === 429;
