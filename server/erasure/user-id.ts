import type { Context } from 'hono';
import { MAX_ID_LENGTH } from '../../src/protocol/index.ts';
import { ApiError } from '../errors.ts';
import { isStorableId } from '../values/index.ts';

const PREFIX = '/v1/profiles/';

/**
 * The `{userId}` of `/v1/profiles/{userId}[/export]`, decoded from the path as sent, or a 400
 * `invalid_user_id` before any work: empty, longer than MAX_ID_LENGTH, U+0000, or bytes that are no
 * UTF-8 (a lone surrogate has no UTF-8 form, so that is how one arrives). Read from the raw path, not
 * the router's decoding, which keeps what it cannot decode as it was and would erase "%ED%A0%80".
 */
export function userIdOfPath(context: Context, suffix = ''): string {
  const path = new URL(context.req.url).pathname;
  const encoded = path.slice(PREFIX.length, suffix ? -suffix.length : undefined);
  let userId: string | undefined;
  try {
    userId = decodeURIComponent(encoded);
  } catch {
    userId = undefined;
  }
  if (!path.startsWith(PREFIX) || !isStorableId(userId, MAX_ID_LENGTH)) {
    throw new ApiError(
      400,
      'invalid_user_id',
      `The userId of the path must be 1 to ${MAX_ID_LENGTH} characters of well-formed Unicode without U+0000, percent-encoded as UTF-8`,
    );
  }
  return userId;
}
