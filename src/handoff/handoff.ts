// A chunk (src/chunks/load.ts): loaded when a page makes or opens a handoff link. Only types and the
// fragment's name come from the core; the calls go through the sync engine's `call`, which holds the
// device token.

import { inBrowser } from '../core/env.ts';
import type { Properties } from '../protocol/events.ts';
import {
  type HandoffClaimed,
  type HandoffCreated,
  type HandoffPeek,
  type HandoffTokenRequest,
  RESUME_PARAM,
} from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { ask } from './ask.ts';
import { HANDOFF_PARAM } from './param.ts';
import { resumeLink } from './resume.ts';
import type { HandoffLink, HandoffRefused, IncomingHandoff } from './types.ts';

export type { HandoffSummary } from '../protocol/index.ts';
export type { Handoff, HandoffLink, HandoffProblem, HandoffRefused, IncomingHandoff } from './types.ts';

/** Protocol §4: a one-time token for this device's profile, or the problem. */
export const token = (sync: Sync) => ask<HandoffCreated>(sync, 'handoff', {});

/** What claiming `token` would resume, without claiming it, or the problem. */
export const preview = (sync: Sync, token: string) =>
  ask<HandoffPeek>(sync, 'handoff/peek', { token } satisfies HandoffTokenRequest);

/** Moves this device to the token's profile, then syncs; false when refused (reported). */
export const claim = async (sync: Sync, token: string): Promise<boolean> =>
  !!(await sync._call<HandoffClaimed>(
    'handoff/claim',
    { token } satisfies HandoffTokenRequest,
    (claimed, adopt) => adopt(claimed.profileId),
  )) && sync.sync().then(() => true);

/** Handoff.create(): the link to open on the other device (none outside a browser page: SSR). */
export async function create(sync: Sync): Promise<HandoffLink | HandoffRefused> {
  if (!inBrowser()) return { problem: 'unavailable' };
  const made = await token(sync);
  if (typeof made === 'string') return { problem: made };
  const url = new URL(location.href);
  url.hash = `${HANDOFF_PARAM}=${made.token}`;
  return { url: url.href, expiresAt: made.expiresAt };
}

/**
 * Handoff.incoming(): the handoff (or resume link) this page was opened with. `track` records what a
 * resume link restores.
 */
export async function incoming(
  sync: Sync,
  track: (event: string, properties: Properties) => void,
): Promise<IncomingHandoff | (HandoffRefused & { dismiss(): void }) | undefined> {
  const forget = () => history.replaceState(history.state, '', location.pathname + location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const resumed = fragment.get(RESUME_PARAM);
  if (resumed) return resumeLink(sync, track, resumed, forget);
  const given = fragment.get(HANDOFF_PARAM);
  if (!given) return undefined;
  const peek = await preview(sync, given);
  if (typeof peek === 'string') {
    // A link that can never be taken leaves the address; one the backend could not check stays.
    if (peek !== 'unavailable') forget();
    return { problem: peek, dismiss: forget };
  }
  return {
    summary: peek.summary,
    async claim() {
      forget();
      return claim(sync, given);
    },
    dismiss: forget,
  };
}
