import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { bearerToken } from '../bearer.ts';
import { ApiError } from '../errors.ts';
import type { ServerLimits } from '../limits/index.ts';
import { noteSite } from '../request-site.ts';
import type { Site, SiteDirectory } from '../sites.ts';

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * Resolves `Authorization: Bearer <agentKey>` to its site. Every configured key is compared, each in
 * constant time on fixed-length digests, so timing tells neither how much of a key matched nor which
 * site's key was close. A device token is just a wrong key here: it never opens the agent API. An
 * address that sent too many wrong keys gets 429 until its window ends, whatever key it sends then.
 */
export function authenticateAgent(
  context: Context,
  deps: { sites: SiteDirectory; limits: ServerLimits },
): Site {
  const key = bearerToken(context.req.header('authorization'));
  if (!key) {
    throw new ApiError(
      401,
      'missing_agent_key',
      'Missing agent key: send "Authorization: Bearer <agentKey>"',
    );
  }
  const client = deps.limits.client(context);
  deps.limits.checkAgentKeyLock(client);
  const given = digest(key);
  let found: Site | undefined;
  for (const site of deps.sites.all()) {
    if (site.agentKey !== undefined && timingSafeEqual(given, digest(site.agentKey))) found = site;
  }
  if (!found) {
    deps.limits.agentKeyFailed(client);
    throw new ApiError(401, 'invalid_agent_key', 'Unknown agent key');
  }
  return noteSite(context.req.raw, found);
}
