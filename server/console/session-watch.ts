import type { Context } from 'hono';
import { hasBearer } from '../auth.ts';
import type { ProtocolDeps } from '../deps.ts';
import { sessionIdOf } from './cookie.ts';
import { signedIn } from './sessions.ts';
import type { StaffRole } from './staff-config.ts';

/**
 * For a stream opened with a console session: checks the session every `everyMs` and calls `end`
 * once it has ended (logout on any process, 12 hours passed, the account gone or changed), so a
 * signed-out console stops hearing the site's conversations. Returns the stop of the watch; a
 * stream opened with the agent key is not watched. A check the database cannot answer keeps the
 * stream: it ends at the next check that can.
 */
export function watchSession(
  context: Context,
  deps: ProtocolDeps,
  role: StaffRole,
  everyMs: number,
  end: () => void,
): () => void {
  if (hasBearer(context) || sessionIdOf(context.req.header('cookie')) === undefined) {
    return () => {};
  }
  const timer = setInterval(() => {
    signedIn(context, deps).then(
      (staff) => {
        if (!staff || staff.account.role !== role) end();
      },
      () => {},
    );
  }, everyMs);
  return () => clearInterval(timer);
}
