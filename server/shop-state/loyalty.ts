import type { LoyaltyInput } from '../../src/protocol/index.ts';
import { optionalText, refuse } from './fields.ts';

/** Checks the body of `POST /v1/profiles/{userId}/loyalty`; a 400 `invalid_loyalty` names the field. */
export function checkLoyalty(body: Record<string, unknown>): LoyaltyInput {
  const fail = refuse('invalid_loyalty');
  const { points } = body;
  if (!Number.isInteger(points) || (points as number) < 0 || (points as number) > Number.MAX_SAFE_INTEGER) {
    throw fail('"points" must be a whole number >= 0');
  }
  return {
    points: points as number,
    ...optionalText(body, 'tier', 64, fail),
    ...optionalText(body, 'expiresAt', 40, fail),
  };
}
